// Which side of two diverged histories rejoins the other. A node promoted later (a newer timeline)
// holds the writes clients were told were committed after that promotion; rewinding it onto an
// older timeline, or re-cloning it from one, throws those writes away. So a node only ever follows
// a primary whose timeline descends from its own; otherwise it keeps its data and says why, and
// the other side is the one to rejoin.
import type { Lsn } from '../pg/lsn.ts';
import { formatLsn } from '../pg/lsn.ts';
import type { HistoryEntry } from '../pg/timeline-history.ts';

/** One side as the direction decision sees it. */
export interface SideSnapshot {
  name: string;
  systemId: string;
  timeline: number;
  /** The timeline's history (`<TLI>.history`; empty on timeline 1). */
  history: readonly HistoryEntry[];
  /** Where its WAL ends (ours: last record; theirs: flushed). */
  lsn: Lsn;
  /** It runs, or last ran, as a primary. */
  wasPrimary: boolean;
}

/** May we follow them (and give up what we have past the fork), or do we keep our data? */
export type Direction = { rejoin: true; reason: string } | { rejoin: false; reason: string };

const sameEntries = (a: readonly HistoryEntry[], b: readonly HistoryEntry[]): boolean =>
  a.every((e, k) => b[k] !== undefined && b[k].parentTimeline === e.parentTimeline && b[k].switchLsn === e.switchLsn);

const role = (s: SideSnapshot): string => (s.wasPrimary ? 'primary' : 'standby');

const keep = (ours: SideSnapshot, theirs: SideSnapshot, why: string): Direction => ({
  rejoin: false,
  reason: `${why}: ${ours.name} keeps its data and does not follow ${theirs.name}; ${theirs.name} is the side to rejoin (stop it, make ${ours.name} the primary again, then the start or stop_as=standby of ${theirs.name} rewinds it onto ${ours.name})`,
});

/**
 * Decides the direction from the two snapshots. We may follow them only when our timeline is
 * theirs (the same history) or an ancestor of theirs (their history lists it, and the timelines
 * before it agree). A newer timeline of ours, a timeline of ours their history does not contain,
 * or the same timeline number with another history (two promotions picked the same number): keep.
 */
export const rejoinDirection = (ours: SideSnapshot, theirs: SideSnapshot): Direction => {
  const at = (s: SideSnapshot): string => `${s.name} (${role(s)}) is on timeline ${s.timeline} at ${formatLsn(s.lsn)}`;
  if (ours.systemId !== theirs.systemId) {
    return { rejoin: false, reason: `${theirs.name} runs another database cluster (system identifier ${theirs.systemId}, ours is ${ours.systemId})` };
  }
  if (ours.timeline > theirs.timeline) {
    return keep(ours, theirs, `${at(ours)}, newer than ${theirs.name}'s timeline ${theirs.timeline}: ${theirs.name} is stale (promoted before us, or it never saw our promotion) and rewinding us onto it would discard writes acknowledged on timeline ${ours.timeline}`);
  }
  if (ours.timeline === theirs.timeline) {
    const same = ours.history.length === theirs.history.length && sameEntries(ours.history, theirs.history);
    if (!same) {
      return keep(ours, theirs, `${at(ours)}, and so is ${theirs.name}, but with another history (two promotions chose the same timeline number): which side holds the acknowledged writes cannot be told`);
    }
    // One timeline has one primary: two that wrote on the same one were promoted apart from the same point.
    if (ours.wasPrimary && theirs.wasPrimary) {
      return keep(ours, theirs, `${at(ours)} and ${theirs.name} is a primary on the same timeline (two promotions from the same point chose the same number): which side holds the acknowledged writes cannot be told`);
    }
    return { rejoin: true, reason: `both are on timeline ${ours.timeline}` };
  }
  const entry = theirs.history.find((e) => e.parentTimeline === ours.timeline);
  if (entry === undefined || !sameEntries(ours.history, theirs.history)) {
    return keep(ours, theirs, `${at(ours)}, which is not in the history of ${theirs.name}'s timeline ${theirs.timeline} (the two were promoted apart): which side holds the acknowledged writes cannot be told`);
  }
  return { rejoin: true, reason: `${theirs.name}'s timeline ${theirs.timeline} descends from our timeline ${ours.timeline} (forked at ${formatLsn(entry.switchLsn)})` };
};
