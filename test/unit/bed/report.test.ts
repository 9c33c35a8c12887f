// The bed's checker arithmetic: spans, overlaps and the trial report, as tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeRecord, WriteRecord } from '../../helpers/bed/client/records.ts';
import { analyzeTrial, overlapSpans, stateSpans } from '../../helpers/bed/report.ts';
import { histogramSvg } from '../../helpers/bed/svg.ts';

describe('stateSpans()', () => {
  const cases: { name: string; obs: { time: number; holds: boolean }[]; want: { from: number; to: number }[] }[] = [
    { name: 'each true observation holds until the next one', obs: [{ time: 0, holds: true }, { time: 50, holds: true }, { time: 100, holds: false }], want: [{ from: 0, to: 100 }] },
    { name: 'at most holdMs when no observation follows', obs: [{ time: 0, holds: true }], want: [{ from: 0, to: 100 }] },
    { name: 'a long silence ends the span after holdMs', obs: [{ time: 0, holds: true }, { time: 500, holds: true }], want: [{ from: 0, to: 100 }, { from: 500, to: 600 }] },
    { name: 'false observations make nothing', obs: [{ time: 0, holds: false }, { time: 50, holds: false }], want: [] },
    { name: 'unsorted input is sorted', obs: [{ time: 50, holds: false }, { time: 0, holds: true }], want: [{ from: 0, to: 50 }] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(stateSpans(c.obs, 100), c.want));
});

describe('overlapSpans()', () => {
  const cases = [
    { a: [{ from: 0, to: 100 }], b: [{ from: 50, to: 150 }], want: [{ from: 50, to: 100 }] },
    { a: [{ from: 0, to: 100 }], b: [{ from: 100, to: 150 }], want: [] },
    { a: [{ from: 0, to: 10 }, { from: 20, to: 30 }], b: [{ from: 5, to: 25 }], want: [{ from: 5, to: 10 }, { from: 20, to: 25 }] },
    { a: [], b: [{ from: 0, to: 1 }], want: [] },
  ];
  for (const c of cases) it(`${JSON.stringify(c.a)} and ${JSON.stringify(c.b)}`, () => assert.deepEqual(overlapSpans(c.a, c.b), c.want));
});

describe('analyzeTrial()', () => {
  // Writes every 20 ms; castor acknowledges until 1000, the fault at 1000, pollux from 2500.
  const writes: WriteRecord[] = [];
  let seq = 1;
  for (let t = 0; t < 1000; t += 20) writes.push({ seq: seq++, sent: t, ack: t + 5, node: 'castor' });
  for (let t = 1000; t < 2500; t += 100) writes.push({ seq: seq++, sent: t, failed: t + 50, error: 'timeout' });
  for (let t = 2500; t < 3000; t += 20) writes.push({ seq: seq++, sent: t, ack: t + 5, node: 'pollux' });
  const acked = writes.filter((w) => w.ack !== undefined);
  const probes: ProbeRecord[] = [
    ...[0, 50, 100, 150].map((t) => ({ node: 'castor', sent: t, seen: t + 1, inRecovery: false, ack: t + 2 })),
    ...[0, 50, 100, 150].map((t) => ({ node: 'pollux', sent: t, seen: t + 1, inRecovery: t >= 100 ? false : true, ...(t >= 100 ? { ack: t + 2 } : {}) })),
  ];

  it('counts, gap, nodes before and after, lost writes', () => {
    const lostSeq = acked[49]!.seq; // castor's last write never reached pollux
    const r = analyzeTrial({ writes, probes, onFinalPrimary: new Set(acked.map((w) => w.seq).filter((s) => s !== lostSeq)), faultAt: 1000, probeHoldMs: 100 });
    assert.equal(r.acknowledged, acked.length);
    assert.deepEqual(r.lost, [lostSeq]);
    assert.equal(r.gapMs, 1505);
    assert.equal(r.before, 'castor');
    assert.equal(r.after, 'pollux');
    assert.deepEqual(r.afterByNode, { pollux: 25 });
    assert.equal(r.outageMs, 2505 - 985);
  });

  it('measures the time both nodes were out of recovery and both acknowledged probe writes', () => {
    const r = analyzeTrial({ writes, probes, onFinalPrimary: new Set(), faultAt: 1000, probeHoldMs: 100 });
    // pollux out of recovery from 101 (acknowledging from 102) to 251/252; castor through 251/252.
    assert.equal(r.twoNotInRecoveryMs, 251 - 101);
    assert.equal(r.twoAcknowledgingMs, 252 - 102);
  });

  it('times a promotion from the first probe that finds a former standby out of recovery after the fault', () => {
    const r = analyzeTrial({ writes, probes, onFinalPrimary: new Set(), faultAt: 60, probeHoldMs: 100 });
    assert.deepEqual(r.promotedMs, { pollux: 101 - 60 });
    assert.deepEqual(analyzeTrial({ writes, probes, onFinalPrimary: new Set(), faultAt: 120, probeHoldMs: 100 }).promotedMs, {}, 'promoted before the fault');
  });

  it('fills 100 ms buckets by node and draws them', () => {
    const r = analyzeTrial({ writes, probes, onFinalPrimary: new Set(), faultAt: 1000, probeHoldMs: 100, windowBeforeMs: 1000 });
    assert.equal(r.histogram[0]!.at, -1000);
    assert.deepEqual(r.histogram[0]!.byNode, { castor: 5 });
    assert.deepEqual(r.histogram[12]!.byNode, {});
    assert.deepEqual(r.histogram[25]!.byNode, { pollux: 5 });
    const svg = histogramSvg(r, 'a <test>');
    assert.match(svg, /^<\?xml/);
    assert.match(svg, /a &lt;test&gt;/);
    assert.match(svg, /time since the fault \(s\)/);
    assert.match(svg, />fault</);
  });

  it('has no gap when nothing is acknowledged after the fault', () => {
    const r = analyzeTrial({ writes: writes.filter((w) => w.sent < 2500), probes: [], onFinalPrimary: new Set(), faultAt: 1000, probeHoldMs: 100 });
    assert.equal(r.gapMs, undefined);
    assert.equal(r.after, undefined);
    assert.equal(r.twoAcknowledgingMs, 0);
  });
});
