// Timeline history files (pg_wal/<TLI>.history) and the divergence test: does our WAL go past the
// point where the other side's timeline forked from ours (an old primary that wrote after the fork)?
import { quoteValue } from '../ocf/quote.ts';
import { formatLsn, isLsnText, parseLsn, type Lsn } from './lsn.ts';

/** One line of a history file: timeline `parentTimeline` ended at `switchLsn` and the next one began. */
export interface HistoryEntry {
  parentTimeline: number;
  switchLsn: Lsn;
  reason: string;
}

/** Parses a `.history` file (`<parentTLI>\t<switchpoint>\t<reason>` lines, # comments); throws SyntaxError with file:line. */
export const parseTimelineHistory = (text: string, file = 'history file'): HistoryEntry[] => {
  const out: HistoryEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [tli, lsn, ...reason] = line.split(/\s+/);
    if (!/^\d+$/.test(tli ?? '') || !isLsnText(lsn ?? '')) {
      throw new SyntaxError(`Cannot parse ${file}:${i + 1}: expected '<timeline> <switch LSN> <reason>', got ${quoteValue(line)}`);
    }
    const entry = { parentTimeline: Number(tli), switchLsn: parseLsn(lsn!), reason: reason.join(' ') };
    const prev = out[out.length - 1];
    if (prev && (entry.parentTimeline <= prev.parentTimeline || entry.switchLsn < prev.switchLsn)) {
      throw new SyntaxError(`Cannot parse ${file}:${i + 1}: timelines and switch points must increase`);
    }
    out.push(entry);
  });
  return out;
};

/** Where each timeline of a lineage ends: the history's switch points, and undefined (still open) for the current one. */
const lineage = (history: readonly HistoryEntry[], current: number): Map<number, Lsn | undefined> =>
  new Map<number, Lsn | undefined>([...history.map((h) => [h.parentTimeline, h.switchLsn] as const), [current, undefined]]);

/** Our side of the divergence test. */
export interface OurWal {
  timeline: number;
  /** Our timeline's own history (empty on timeline 1 or when unknown). */
  history: readonly HistoryEntry[];
  /**
   * Start of the last valid record we have on `timeline`: for a clean shutdown, controldata's
   * "Latest checkpoint location" (the shutdown checkpoint); otherwise the last record pg_waldump reads.
   */
  lastRecordLsn: Lsn;
}

/** The other side: the timeline the primary runs on, and its history file. */
export interface TheirWal {
  timeline: number;
  history: readonly HistoryEntry[];
}

/** Whether our WAL contains records the other side's history does not, and where the histories part. */
export interface Divergence {
  diverged: boolean;
  /** The last timeline both lineages share, and where it forked (undefined: they do not part). */
  forkTimeline: number | undefined;
  forkLsn: Lsn | undefined;
  reason: string;
}

/**
 * Decides whether our WAL diverged from theirs. The switch point of a timeline in their history is the
 * end of the last record both sides share, so any record of ours starting at or after it is ours alone.
 */
export const findDivergence = (ours: OurWal, theirs: TheirWal): Divergence => {
  const theirEnds = lineage(theirs.history, theirs.timeline);
  const ourEnds = lineage(ours.history, ours.timeline);
  const shared = [...ourEnds.keys()].filter((t) => theirEnds.has(t)).sort((a, b) => b - a)[0];
  if (shared === undefined) {
    return { diverged: true, forkTimeline: undefined, forkLsn: undefined, reason: `our timeline ${ours.timeline} shares no timeline with their timeline ${theirs.timeline}` };
  }
  const theirEnd = theirEnds.get(shared);
  const ourEnd = ourEnds.get(shared);
  if (shared === ours.timeline) {
    if (theirEnd === undefined) {
      return { diverged: false, forkTimeline: undefined, forkLsn: undefined, reason: `both are on timeline ${shared}` };
    }
    const diverged = ours.lastRecordLsn >= theirEnd;
    const where = `timeline ${theirs.timeline} forked from our timeline ${shared} at ${formatLsn(theirEnd)}`;
    const ourPos = `our last record is at ${formatLsn(ours.lastRecordLsn)}`;
    return {
      diverged,
      forkTimeline: shared,
      forkLsn: theirEnd,
      reason: diverged ? `${where} and ${ourPos}: we wrote WAL after the fork` : `${where} and ${ourPos}: we are behind the fork and can follow`,
    };
  }
  const fork = [theirEnd, ourEnd].filter((l): l is Lsn => l !== undefined).reduce((a, b) => (a < b ? a : b));
  return {
    diverged: true,
    forkTimeline: shared,
    forkLsn: fork,
    reason: `our timeline ${ours.timeline} is not in the history of timeline ${theirs.timeline}; the lineages part on timeline ${shared} at ${formatLsn(fork)}`,
  };
};
