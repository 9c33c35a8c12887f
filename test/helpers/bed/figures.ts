// The failover benchmark's arithmetic (pure): per engine and fault, the medians of several trials
// (gap from the fault to the first acknowledged write through the VIP, acknowledged writes lost, time
// with two nodes acknowledging writes), the ratios of the reference engine (pgbeat) to each other
// engine, and the tables for people (text) and for the README (markdown).

/** What one trial measured (from report.ts's TrialReport, or why it measured nothing). */
export interface TrialFigures {
  engine: string;
  fault: string;
  /** Fault -> first acknowledged write sent after it; undefined: none within the trial's wait. */
  gapMs: number | undefined;
  /** Acknowledged writes missing on the final primary; undefined: no primary to check them on. */
  lost: number | undefined;
  /** Time both nodes acknowledged probe writes. */
  twoPrimariesMs: number;
  /** Set when the trial could not run (bed not up, fault failed): it counts in no median. */
  error?: string;
}

/**
 * A trial's gap: fault to the first write sent after it and acknowledged. For a graceful handover
 * that is the old primary still answering while the handover starts, so there the gap is the longest
 * silence from the last acknowledgement before the command on (the time the service was away).
 */
export const trialGapMs = (r: { gapMs: number | undefined; outageMs: number }, graceful: boolean): number | undefined =>
  r.gapMs === undefined ? undefined : graceful ? r.outageMs : r.gapMs;

/** One engine under one fault, over its trials. */
export interface Cell {
  engine: string;
  fault: string;
  /** Trials that ran (errors excluded) and trials that failed to run. */
  trials: number;
  failed: number;
  /** Median gap; Infinity when most trials saw no write acknowledged again; undefined without trials. */
  gapMs: number | undefined;
  gapMinMs: number | undefined;
  gapMaxMs: number | undefined;
  /** Trials in which no write was acknowledged again. */
  noRecovery: number;
  /** Median and total of lost writes over the trials that had a primary to check; undefined when none had. */
  lost: number | undefined;
  lostTotal: number | undefined;
  twoPrimariesMs: number | undefined;
  twoPrimariesMaxMs: number | undefined;
}

/** The median of `xs` (mean of the middle two for an even count); undefined for none. */
export const median = (xs: readonly number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length % 2 === 1) return s[mid];
  const lo = s[mid - 1]!;
  const hi = s[mid]!;
  // Infinity and a number: the upper half does not recover, nor does the median.
  return hi === Number.POSITIVE_INFINITY ? hi : (lo + hi) / 2;
};

/** Summarises the trials per engine and fault, in the given orders (absent pairs are left out). */
export const summarize = (trials: readonly TrialFigures[], engines: readonly string[], faults: readonly string[]): Cell[] => {
  const cells: Cell[] = [];
  for (const fault of faults) {
    for (const engine of engines) {
      const all = trials.filter((t) => t.engine === engine && t.fault === fault);
      if (all.length === 0) continue;
      const ran = all.filter((t) => t.error === undefined);
      const gaps = ran.map((t) => t.gapMs ?? Number.POSITIVE_INFINITY);
      const lost = ran.flatMap((t) => (t.lost === undefined ? [] : [t.lost]));
      const two = ran.map((t) => t.twoPrimariesMs);
      cells.push({
        engine, fault, trials: ran.length, failed: all.length - ran.length,
        gapMs: median(gaps), gapMinMs: ran.length ? Math.min(...gaps) : undefined, gapMaxMs: ran.length ? Math.max(...gaps) : undefined,
        noRecovery: ran.filter((t) => t.gapMs === undefined).length,
        lost: median(lost), lostTotal: lost.length ? lost.reduce((s, x) => s + x, 0) : undefined,
        twoPrimariesMs: median(two), twoPrimariesMaxMs: two.length ? Math.max(...two) : undefined,
      });
    }
  }
  return cells;
};

/**
 * `a / b` as text: "0.21x"; "both 0" when both are 0; "inf" when only b is 0; "< 1 (never)" when
 * b never happened (Infinity) and a did; "n/a" when either is missing.
 */
export const ratioText = (a: number | undefined, b: number | undefined): string => {
  if (a === undefined || b === undefined) return 'n/a';
  if (a === Number.POSITIVE_INFINITY && b === Number.POSITIVE_INFINITY) return 'n/a (neither)';
  if (b === Number.POSITIVE_INFINITY) return '< 1 (never)';
  if (a === Number.POSITIVE_INFINITY) return 'inf (never)';
  if (a === 0 && b === 0) return 'both 0';
  if (b === 0) return 'inf';
  return `${(a / b).toFixed(2)}x`;
};

/** Milliseconds as text: "1234 ms", "none" for Infinity (no write acknowledged again), "n/a" for undefined. */
export const msText = (ms: number | undefined, waitMs?: number): string => {
  if (ms === undefined) return 'n/a';
  if (ms === Number.POSITIVE_INFINITY) return waitMs === undefined ? 'none' : `none in ${Math.round(waitMs / 1000)} s`;
  return `${Math.round(ms)} ms`;
};

const countText = (n: number | undefined): string => (n === undefined ? 'n/a' : Number.isInteger(n) ? String(n) : n.toFixed(1));

/** One table row per engine and fault; the ratio columns compare `reference` with the row's engine. */
export interface TableRow {
  fault: string;
  engine: string;
  trials: string;
  gap: string;
  gapRange: string;
  lost: string;
  twoPrimaries: string;
  gapRatio: string;
  lostRatio: string;
  twoRatio: string;
}

const HEADERS: Record<keyof TableRow, string> = {
  fault: 'fault', engine: 'engine', trials: 'trials', gap: 'gap (median)', gapRange: 'gap min-max',
  lost: 'lost (median; total)', twoPrimaries: 'two primaries (median; max)',
  gapRatio: 'gap ratio', lostRatio: 'lost ratio', twoRatio: 'two-primaries ratio',
};

/** The rows of the table: figures as text, and reference/engine ratios ("-" on the reference's rows). */
export const tableRows = (cells: readonly Cell[], reference: string, waitMs?: number): TableRow[] => cells.map((c) => {
  const ref = cells.find((x) => x.engine === reference && x.fault === c.fault);
  const self = c.engine === reference;
  const ratio = (f: (x: Cell) => number | undefined): string => (self ? '-' : ref ? ratioText(f(ref), f(c)) : 'n/a');
  return {
    fault: c.fault,
    engine: c.engine,
    trials: `${c.trials}${c.failed ? ` (+${c.failed} failed)` : ''}${c.noRecovery ? `, ${c.noRecovery} without recovery` : ''}`,
    gap: msText(c.gapMs, waitMs),
    gapRange: c.gapMinMs === undefined ? 'n/a' : `${msText(c.gapMinMs, waitMs)} - ${msText(c.gapMaxMs, waitMs)}`,
    lost: `${countText(c.lost)}; ${countText(c.lostTotal)}`,
    twoPrimaries: `${msText(c.twoPrimariesMs)}; ${msText(c.twoPrimariesMaxMs)}`,
    gapRatio: ratio((x) => x.gapMs),
    lostRatio: ratio((x) => x.lost),
    twoRatio: ratio((x) => x.twoPrimariesMs),
  };
});

const KEYS = Object.keys(HEADERS) as (keyof TableRow)[];

/** The rows as a markdown table (pipes in cells escaped). */
export const markdownTable = (rows: readonly TableRow[]): string => {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${KEYS.map((k) => HEADERS[k]).join(' | ')} |`,
    `| ${KEYS.map((k) => (k === 'fault' || k === 'engine' ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${KEYS.map((k) => cell(r[k])).join(' | ')} |`),
  ].join('\n');
};

/** The rows as an aligned text table (the bench's console output). */
export const textTable = (rows: readonly TableRow[]): string => {
  const widths = KEYS.map((k) => Math.max(HEADERS[k].length, ...rows.map((r) => r[k].length)));
  const line = (vals: string[]): string => `  ${vals.map((v, i) => v.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(KEYS.map((k) => HEADERS[k])), ...rows.map((r) => line(KEYS.map((k) => r[k])))].join('\n');
};

/** The machine a run was on: `uname -m`, logical CPUs, the CPU model from /proc/cpuinfo. */
export interface Machine {
  arch: string;
  cores: number;
  model: string;
}

/** The first `model name` of /proc/cpuinfo's text ("unknown" when absent, as on some ARM kernels). */
export const cpuModel = (cpuinfo: string): string => cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown';

/** "x86_64, 2 cores, Intel(R) Xeon(R) ..." */
export const machineText = (m: Machine): string => `${m.arch}, ${m.cores} core${m.cores === 1 ? '' : 's'}, ${m.model}`;
