// The checker's arithmetic (pure): from the writer's and probers' records, the rows found on the
// final primary and the fault's time, what the trial shows: acknowledged and lost writes, the gap,
// the time with two primaries, a histogram of acknowledged writes.
import type { ProbeRecord, WriteRecord } from './client/records.ts';

/** A half-open time interval [from, to) in ms. */
export interface Span {
  from: number;
  to: number;
}

/** Acknowledged writes per bucket and node, for the picture. */
export interface Bucket {
  /** Start of the bucket, ms relative to the fault. */
  at: number;
  byNode: Record<string, number>;
}

/** What one trial shows. */
export interface TrialReport {
  faultAt: number;
  /** Write attempts and acknowledged writes in the whole log. */
  attempts: number;
  acknowledged: number;
  /** Acknowledged writes missing on the final primary (their sequence numbers, sorted). */
  lost: number[];
  /** Fault -> first acknowledged write sent after the fault (undefined: none). */
  gapMs: number | undefined;
  /** The longest time without any acknowledgement from the last one before the fault on. */
  outageMs: number;
  /** Node that acknowledged the last write before the fault and the first write sent after it. */
  before: string | undefined;
  after: string | undefined;
  /** Acknowledged writes after the fault, by node. */
  afterByNode: Record<string, number>;
  /** Time both nodes were seen out of recovery at once, and time both acknowledged probe writes. */
  twoNotInRecoveryMs: number;
  twoAcknowledgingMs: number;
  /**
   * Per node, ms from the fault to the first probe after it that found the node out of recovery
   * when the probe before found it in recovery (a promotion as the probers saw it); absent when none.
   */
  promotedMs: Record<string, number>;
  /** Spans where both acknowledged probe writes (for the report). */
  twoAcknowledgingSpans: Span[];
  histogram: Bucket[];
  bucketMs: number;
}

/** Total length of the intersection of two sorted, disjoint span lists. */
export const overlapSpans = (a: readonly Span[], b: readonly Span[]): Span[] => {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]!.from, b[j]!.from);
    const to = Math.min(a[i]!.to, b[j]!.to);
    if (to > from) out.push({ from, to });
    if (a[i]!.to < b[j]!.to) i += 1;
    else j += 1;
  }
  return out;
};

/** Sum of span lengths. */
export const spanTotal = (spans: readonly Span[]): number => spans.reduce((s, x) => s + (x.to - x.from), 0);

/**
 * Where one node's probes said `holds` (a state seen at `time`): each true observation holds from its
 * time until the node's next observation, and at most `holdMs` (a probe that never returns ends it).
 */
export const stateSpans = (obs: readonly { time: number; holds: boolean }[], holdMs: number): Span[] => {
  const sorted = [...obs].sort((x, y) => x.time - y.time);
  const spans: Span[] = [];
  sorted.forEach((o, k) => {
    if (!o.holds) return;
    const next = sorted[k + 1]?.time ?? Number.POSITIVE_INFINITY;
    const to = Math.min(next, o.time + holdMs);
    const last = spans[spans.length - 1];
    if (last && last.to >= o.time) last.to = Math.max(last.to, to);
    else spans.push({ from: o.time, to });
  });
  return spans;
};

const obsTime = (p: ProbeRecord): number => p.ack ?? p.failed ?? p.seen ?? p.sent;

/** Out-of-recovery spans and acknowledging spans of one node's probes. */
export const probeSpans = (probes: readonly ProbeRecord[], holdMs: number): { notInRecovery: Span[]; acknowledging: Span[] } => ({
  notInRecovery: stateSpans(probes.map((p) => ({ time: p.seen ?? obsTime(p), holds: p.inRecovery === false })), holdMs),
  acknowledging: stateSpans(probes.map((p) => ({ time: obsTime(p), holds: p.ack !== undefined })), holdMs),
});

/** The checker: everything a trial shows from its records. */
export const analyzeTrial = (input: {
  writes: readonly WriteRecord[];
  probes: readonly ProbeRecord[];
  /** Sequence numbers found on the final primary. */
  onFinalPrimary: ReadonlySet<number>;
  faultAt: number;
  /** How long one probe observation holds (about two probe intervals). */
  probeHoldMs: number;
  bucketMs?: number;
  /** Histogram window around the fault, ms. */
  windowBeforeMs?: number;
  windowAfterMs?: number;
}): TrialReport => {
  const { writes, faultAt } = input;
  const bucketMs = input.bucketMs ?? 100;
  const acked = writes.filter((w) => w.ack !== undefined).sort((a, b) => a.ack! - b.ack!);
  const lost = acked.filter((w) => !input.onFinalPrimary.has(w.seq)).map((w) => w.seq).sort((a, b) => a - b);
  const firstAfter = acked.filter((w) => w.sent >= faultAt).sort((a, b) => a.sent - b.sent)[0];
  const lastBefore = acked.filter((w) => w.ack! < faultAt).at(-1);
  let outageMs = 0;
  let prev = lastBefore?.ack ?? faultAt;
  for (const w of acked) {
    if (w.ack! < faultAt) continue;
    outageMs = Math.max(outageMs, w.ack! - prev);
    prev = w.ack!;
  }
  const afterByNode: Record<string, number> = {};
  for (const w of acked) if (w.sent >= faultAt) afterByNode[w.node ?? '?'] = (afterByNode[w.node ?? '?'] ?? 0) + 1;

  const nodes = [...new Set(input.probes.map((p) => p.node))].sort();
  const spans = nodes.map((n) => probeSpans(input.probes.filter((p) => p.node === n), input.probeHoldMs));
  const both = (k: 'notInRecovery' | 'acknowledging'): Span[] => (spans.length === 2 ? overlapSpans(spans[0]![k], spans[1]![k]) : []);
  const twoAck = both('acknowledging');

  const promotedMs: Record<string, number> = {};
  for (const n of nodes) {
    let standby = false;
    for (const p of input.probes.filter((x) => x.node === n && x.seen !== undefined).sort((a, b) => a.seen! - b.seen!)) {
      if (standby && !p.inRecovery && p.seen! >= faultAt) {
        promotedMs[n] = p.seen! - faultAt;
        break;
      }
      standby = p.inRecovery === true;
    }
  }

  const from = faultAt - (input.windowBeforeMs ?? 2_000);
  const lastAck = acked.at(-1)?.ack ?? faultAt;
  const to = Math.min(lastAck, faultAt + (input.windowAfterMs ?? 30_000));
  const histogram: Bucket[] = [];
  for (let t = from; t <= to && histogram.length < 10_000; t += bucketMs) histogram.push({ at: t - faultAt, byNode: {} });
  for (const w of acked) {
    const k = Math.floor((w.ack! - from) / bucketMs);
    const b = histogram[k];
    if (b && w.ack! >= from) b.byNode[w.node ?? '?'] = (b.byNode[w.node ?? '?'] ?? 0) + 1;
  }
  return {
    faultAt, attempts: writes.length, acknowledged: acked.length, lost,
    gapMs: firstAfter ? firstAfter.ack! - faultAt : undefined, outageMs,
    before: lastBefore?.node, after: firstAfter?.node, afterByNode,
    promotedMs,
    twoNotInRecoveryMs: spanTotal(both('notInRecovery')), twoAcknowledgingMs: spanTotal(twoAck), twoAcknowledgingSpans: twoAck,
    histogram, bucketMs,
  };
};

/** The report as a few lines for people (test output, the lab). */
export const formatTrial = (name: string, r: TrialReport): string => [
  `${name}: gap ${r.gapMs === undefined ? 'none (no write acknowledged after the fault)' : `${r.gapMs} ms`} (longest silence ${r.outageMs} ms), ` +
    `${r.before ?? '?'} -> ${r.after ?? '?'}`,
  `  writes: ${r.attempts} attempted, ${r.acknowledged} acknowledged, ${r.lost.length} acknowledged and lost` +
    (r.lost.length ? ` (seq ${r.lost.slice(0, 10).join(', ')}${r.lost.length > 10 ? ', ...' : ''})` : ''),
  `  after the fault by node: ${Object.entries(r.afterByNode).map(([n, c]) => `${n} ${c}`).join(', ') || 'none'}`,
  `  promoted (first probe out of recovery after the fault): ${Object.entries(r.promotedMs).map(([n, ms]) => `${n} +${ms} ms`).join(', ') || 'none seen'}`,
  `  two nodes out of recovery: ${r.twoNotInRecoveryMs} ms; two nodes acknowledging writes: ${r.twoAcknowledgingMs} ms`,
].join('\n');
