// Where a failover's time went (pure): from what the bed records (the fault's moment, the daemons'
// and the witness's log lines, each starting with an ISO wall-clock time, and the writer's records),
// an ordered timeline of the steps that matter (peer declared dead, fencing, the witness's record or
// refusal, the lease, promoted, VIP up, first acknowledged write), each with its offset from the fault.
import type { WriteRecord } from './client/records.ts';

/** What a timeline step is. */
export type TimelineKind =
  | 'fault' | 'last-write' | 'paused' | 'peer-dead' | 'fencing' | 'fenced' | 'lease-lost' | 'witness-asked' | 'witness-recorded'
  | 'witness-refused' | 'agreed' | 'steps-down' | 'handover' | 'vip-down' | 'demoted' | 'released' | 'restart' | 'promoted'
  | 'vip-up' | 'took-service' | 'sync-standby' | 'following' | 'peer-back' | 'first-write';

/** One step. */
export interface TimelineEvent {
  /** Wall-clock time, ms since the epoch. */
  at: number;
  /** ms from the fault (negative before it). */
  offsetMs: number;
  /** Where it happened: a node, 'witness', 'client' or 'bed' (the fault). */
  host: string;
  kind: TimelineKind;
  /** A short sentence for people. */
  what: string;
  /** The log line it came from, without its time (absent for the fault and the writes). */
  line?: string;
}

/** What the bed recorded around one fault. */
export interface TimelineInput {
  faultAt: number;
  /** The fault's name and node ("frozen 3000 ms", "castor"). */
  fault: string;
  node: string;
  /** Log text by host (castor, pollux, witness): lines "<ISO time> <level>: <text>"; others are skipped. */
  logs: Record<string, string>;
  /** The writer's records. */
  writes: readonly WriteRecord[];
  /**
   * The node that should take the writes after the fault (after a switchover command the old
   * primary may still acknowledge a few): the first write is the first it acknowledged; default any.
   */
  to?: string;
  /** Writes sent before this do not count as the first after the fault (default faultAt; a crashed postmaster's backends answer for a moment). */
  after?: number;
  /** Log lines after this are left out (ms since the epoch; default: first acknowledged write after the fault + 2 s, else fault + 60 s). */
  until?: number;
}

/** Log sentences that are steps: pattern on "<level>: <text>"'s text, kind, and the short sentence ($1... from the match). */
export const TIMELINE_RULES: readonly { re: RegExp; kind: TimelineKind; what: string }[] = [
  { re: /^This node was paused (\d+) ms/, kind: 'paused', what: 'noticed it was paused $1 ms' },
  { re: /^Node (\S+): is dead/, kind: 'peer-dead', what: 'declared $1 dead' },
  { re: /^Node (\S+): not heard within initdead/, kind: 'peer-dead', what: 'declared $1 dead (initdead)' },
  { re: /^Fencing (\S+) before|^(\S+) is dead: fencing it/, kind: 'fencing', what: 'fencing $1$2' },
  { re: /^Fenced (\S+)\./, kind: 'fenced', what: 'fenced $1' },
  { re: /^Lease /, kind: 'lease-lost', what: 'lease lost: address dropped, PostgreSQL stopping' },
  { re: /^Asking the witness for (.*?) \(/, kind: 'witness-asked', what: 'asked the witness for $1' },
  { re: /^The witness recorded it/, kind: 'witness-recorded', what: 'the witness recorded it' },
  { re: /^The witness refused \((.*?)\)/, kind: 'witness-refused', what: 'the witness refused ($1)' },
  // The witness's own lines.
  { re: /(?:^|\. )Recorded (.*?) for (\S+)\.$/, kind: 'witness-recorded', what: 'recorded $1 for $2' },
  { re: /(?:^|\. )Refused (.*?) to (\S+):/, kind: 'witness-refused', what: 'refused $1 to $2' },
  { re: /^Agreed state (epoch \d+: [^(]*?) \(from/, kind: 'agreed', what: 'agreed state $1' },
  { re: /^The agreed state names (\S+) primary/, kind: 'steps-down', what: 'steps down ($1 is primary)' },
  { re: /^Handing the service to (\S+)/, kind: 'handover', what: 'handing the service to $1' },
  { re: /^PostgreSQL no longer runs as primary/, kind: 'restart', what: 'PostgreSQL down under the service: restarting in place' },
  { re: /^stop \S*IPaddr\S*: ok/, kind: 'vip-down', what: 'VIP down' },
  { re: /^demote \S+: ok/, kind: 'demoted', what: 'PostgreSQL demoted' },
  { re: /^Released the service/, kind: 'released', what: 'released the service' },
  { re: /^promote \S+: ok in (\d+) ms/, kind: 'promoted', what: 'PostgreSQL promoted ($1 ms)' },
  { re: /^start \S*IPaddr\S*: ok/, kind: 'vip-up', what: 'VIP up' },
  { re: /^Took the service \((.*)\)/, kind: 'took-service', what: 'took the service ($1)' },
  { re: /^synchronous_standby_names now (.*)\.$/, kind: 'sync-standby', what: 'synchronous_standby_names now $1' },
  { re: /^Following (\S+): starting PostgreSQL as its standby/, kind: 'following', what: 'following $1 as its standby' },
  { re: /^Node (\S+): status active/, kind: 'peer-back', what: '$1 heard again' },
];

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (?:\w+: )?(.*)$/;

/** The step a log text is, if it is one. */
export const classifyLine = (text: string): { kind: TimelineKind; what: string } | undefined => {
  for (const r of TIMELINE_RULES) {
    const m = r.re.exec(text);
    if (m) return { kind: r.kind, what: r.what.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '') };
  }
  return undefined;
};

/** The timeline: the fault, the last write acknowledged before it, the steps logged after it, the first write acknowledged after it; in time order. */
export const buildTimeline = (i: TimelineInput): TimelineEvent[] => {
  const ev = (at: number, host: string, kind: TimelineKind, what: string, line?: string): TimelineEvent =>
    ({ at, offsetMs: at - i.faultAt, host, kind, what, ...(line === undefined ? {} : { line }) });
  const acked = i.writes.filter((w) => w.ack !== undefined);
  const firstAfter = acked.filter((w) => w.sent >= (i.after ?? i.faultAt) && (i.to === undefined || w.node === i.to)).sort((a, b) => a.ack! - b.ack!)[0];
  const lastBefore = acked.filter((w) => w.ack! < i.faultAt).sort((a, b) => b.ack! - a.ack!)[0];
  const until = i.until ?? (firstAfter ? firstAfter.ack! + 2_000 : i.faultAt + 60_000);
  const out: TimelineEvent[] = [ev(i.faultAt, 'bed', 'fault', `${i.fault} of ${i.node}`)];
  if (lastBefore) out.push(ev(lastBefore.ack!, 'client', 'last-write', `last write acknowledged before the fault (by ${lastBefore.node ?? '?'})`));
  for (const [host, text] of Object.entries(i.logs)) {
    for (const raw of text.split('\n')) {
      const m = LINE.exec(raw);
      if (!m) continue;
      const at = Date.parse(m[1]!);
      if (!(at >= i.faultAt && at <= until)) continue;
      const c = classifyLine(m[2]!);
      if (c) out.push(ev(at, host, c.kind, c.what, m[2]!));
    }
  }
  if (firstAfter) out.push(ev(firstAfter.ack!, 'client', 'first-write', `first write sent after the fault acknowledged (by ${firstAfter.node ?? '?'})`));
  // Stable: equal times keep the order above (fault first, the first write after the steps).
  return out.map((e, k) => ({ e, k })).sort((a, b) => a.e.at - b.e.at || a.k - b.k).map((x) => x.e);
};

/** The timeline as lines for people: "  +1234 ms  pollux   declared castor dead". */
export const formatTimeline = (events: readonly TimelineEvent[]): string => {
  const w = Math.max(...events.map((e) => String(e.offsetMs).length + 1), 2);
  const hw = Math.max(...events.map((e) => e.host.length), 4);
  return events.map((e) => `${`${e.offsetMs >= 0 ? '+' : ''}${e.offsetMs}`.padStart(w)} ms  ${e.host.padEnd(hw)}  ${e.what}`).join('\n');
};
