// The failover benchmark's arithmetic: medians over trials (a trial without recovery counts as
// infinitely long), ratios of pgbeat to each engine with their edge cases, and the tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cpuModel, machineText, markdownTable, median, msText, ratioText, summarize, tableRows, textTable, trialGapMs, type TrialFigures,
} from '../../helpers/bed/figures.ts';

const INF = Number.POSITIVE_INFINITY;

describe('median()', () => {
  const cases: [number[], number | undefined][] = [
    [[], undefined],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[1, INF, 2], 2],
    [[1, INF], INF],
    [[INF, INF, 1], INF],
  ];
  for (const [xs, want] of cases) it(`[${xs.join(', ')}] -> ${want}`, () => assert.equal(median(xs), want));
  it('leaves its input unsorted', () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });
});

describe('ratioText()', () => {
  const cases: [number | undefined, number | undefined, string][] = [
    [500, 2000, '0.25x'],
    [3000, 1000, '3.00x'],
    [0, 0, 'both 0'],
    [0, 12, '0.00x'],
    [4, 0, 'inf'],
    [800, INF, '< 1 (never)'],
    [INF, 800, 'inf (never)'],
    [INF, INF, 'n/a (neither)'],
    [undefined, 3, 'n/a'],
    [3, undefined, 'n/a'],
  ];
  for (const [a, b, want] of cases) it(`${a} / ${b} -> ${want}`, () => assert.equal(ratioText(a, b), want));
});

describe('trialGapMs()', () => {
  it('is the gap for a fault, the longest silence for a graceful handover, and undefined without recovery', () => {
    assert.equal(trialGapMs({ gapMs: 1700, outageMs: 1720 }, false), 1700);
    assert.equal(trialGapMs({ gapMs: 14, outageMs: 3029 }, true), 3029);
    assert.equal(trialGapMs({ gapMs: undefined, outageMs: 0 }, false), undefined);
    assert.equal(trialGapMs({ gapMs: undefined, outageMs: 0 }, true), undefined);
  });
});

describe('msText()', () => {
  it('rounds, says none for no recovery (with the wait when known), n/a for nothing', () => {
    assert.equal(msText(1234.4), '1234 ms');
    assert.equal(msText(INF), 'none');
    assert.equal(msText(INF, 30_000), 'none in 30 s');
    assert.equal(msText(undefined), 'n/a');
  });
});

const t = (engine: string, fault: string, gapMs: number | undefined, lost: number | undefined, twoPrimariesMs: number, error?: string): TrialFigures =>
  ({ engine, fault, gapMs, lost, twoPrimariesMs, ...(error ? { error } : {}) });

const TRIALS: TrialFigures[] = [
  t('pgbeat', 'power loss', 900, 0, 0), t('pgbeat', 'power loss', 1100, 0, 0), t('pgbeat', 'power loss', 1000, 0, 0),
  t('heartbeat', 'power loss', 3000, 2, 0), t('heartbeat', 'power loss', 5000, 0, 150), t('heartbeat', 'power loss', 4000, 4, 50),
  t('heartbeat', 'power loss', undefined, undefined, 0, 'bed did not come up'),
  t('pgbeat', 'postmaster crash', 1500, 0, 0),
  t('heartbeat', 'postmaster crash', undefined, undefined, 0), t('heartbeat', 'postmaster crash', undefined, undefined, 0),
];

describe('summarize()', () => {
  const cells = summarize(TRIALS, ['pgbeat', 'heartbeat', 'pacemaker'], ['power loss', 'postmaster crash', 'switchover']);

  it('gives one cell per engine and fault that has trials, faults first, in the given orders', () => {
    assert.deepEqual(cells.map((c) => `${c.fault}/${c.engine}`), ['power loss/pgbeat', 'power loss/heartbeat', 'postmaster crash/pgbeat', 'postmaster crash/heartbeat']);
  });

  it('takes medians, ranges and totals over the trials that ran; a failed trial counts apart', () => {
    const hb = cells[1]!;
    assert.deepEqual(
      { trials: hb.trials, failed: hb.failed, gap: hb.gapMs, min: hb.gapMinMs, max: hb.gapMaxMs, lost: hb.lost, total: hb.lostTotal, two: hb.twoPrimariesMs, twoMax: hb.twoPrimariesMaxMs },
      { trials: 3, failed: 1, gap: 4000, min: 3000, max: 5000, lost: 2, total: 6, two: 50, twoMax: 150 },
    );
  });

  it('counts no recovery as an infinite gap, and lost as unknown without a primary', () => {
    const hb = cells[3]!;
    assert.equal(hb.gapMs, INF);
    assert.equal(hb.noRecovery, 2);
    assert.equal(hb.lost, undefined);
    assert.equal(hb.lostTotal, undefined);
  });
});

describe('tableRows(), markdownTable(), textTable()', () => {
  const rows = tableRows(summarize(TRIALS, ['pgbeat', 'heartbeat'], ['power loss', 'postmaster crash']), 'pgbeat', 30_000);

  it('puts pgbeat/engine ratios on the other engines\' rows and a dash on pgbeat\'s', () => {
    assert.deepEqual(rows.map((r) => [r.fault, r.engine, r.trials, r.gap, r.gapRange, r.lost, r.twoPrimaries, r.gapRatio, r.lostRatio, r.twoRatio]), [
      ['power loss', 'pgbeat', '3', '1000 ms', '900 ms - 1100 ms', '0; 0', '0 ms; 0 ms', '-', '-', '-'],
      ['power loss', 'heartbeat', '3 (+1 failed)', '4000 ms', '3000 ms - 5000 ms', '2; 6', '50 ms; 150 ms', '0.25x', '0.00x', '0.00x'],
      ['postmaster crash', 'pgbeat', '1', '1500 ms', '1500 ms - 1500 ms', '0; 0', '0 ms; 0 ms', '-', '-', '-'],
      ['postmaster crash', 'heartbeat', '2, 2 without recovery', 'none in 30 s', 'none in 30 s - none in 30 s', 'n/a; n/a', '0 ms; 0 ms', '< 1 (never)', 'n/a', 'both 0'],
    ]);
  });

  it('renders a markdown table with a header, an alignment row and one line per row', () => {
    const md = markdownTable(rows).split('\n');
    assert.equal(md.length, 2 + rows.length);
    assert.match(md[0]!, /^\| fault \| engine \| trials \| gap \(median\) \|/);
    assert.match(md[1]!, /^\| --- \| --- \| ---: \|/);
    assert.equal(md[3], '| power loss | heartbeat | 3 (+1 failed) | 4000 ms | 3000 ms - 5000 ms | 2; 6 | 50 ms; 150 ms | 0.25x | 0.00x | 0.00x |');
    assert.equal(markdownTable([{ ...rows[0]!, engine: 'a|b' }]).split('\n')[2]!.includes('a\\|b'), true, 'pipes escaped');
  });

  it('renders an aligned text table', () => {
    const lines = textTable(rows).split('\n');
    assert.equal(lines.length, 1 + rows.length);
    const col = lines[0]!.indexOf('engine');
    for (const l of lines.slice(1)) assert.match(l.slice(col), /^(pgbeat|heartbeat)/);
  });
});

describe('cpuModel(), machineText()', () => {
  it('reads the first model name, or says unknown', () => {
    assert.equal(cpuModel('processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: x\nmodel name\t: other\n'), 'AMD EPYC 7B13');
    assert.equal(cpuModel('processor\t: 0\nBogoMIPS\t: 50.00\n'), 'unknown');
  });
  it('names the architecture, the cores and the model', () => {
    assert.equal(machineText({ arch: 'x86_64', cores: 2, model: 'AMD EPYC 7B13' }), 'x86_64, 2 cores, AMD EPYC 7B13');
    assert.equal(machineText({ arch: 'aarch64', cores: 1, model: 'unknown' }), 'aarch64, 1 core, unknown');
  });
});
