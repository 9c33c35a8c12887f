// Which parts of a stopped instance's pg_wal to read: where to look for the end of its WAL (newest
// timeline first, since pg_control's timeline lags a promotion or a followed timeline switch until
// the next checkpoint or restartpoint), and which ranges hold the WAL a rejoin throws away.
import type { ClusterState } from '../pg/controldata.ts';
import type { Lsn } from '../pg/lsn.ts';
import type { HistoryEntry } from '../pg/timeline-history.ts';

/** The control file fields the search needs. */
export interface ControlPoint {
  state: ClusterState;
  timeline: number;
  checkpointLsn: Lsn;
  redoLsn: Lsn;
}

/** One pg_waldump read: `start` on `timeline`, up to `end` (exclusive) or the end of the WAL. */
export interface WalSpan {
  timeline: number;
  start: Lsn;
  end?: Lsn | undefined;
}

/** A place to look for the end of our WAL, with that timeline's own history. */
export interface EndProbe extends WalSpan {
  history: readonly HistoryEntry[];
}

/** How to find our last WAL record: the shutdown checkpoint, or pg_waldump over the probes in order. */
export type EndSearch =
  | { by: 'checkpoint'; timeline: number; lastRecordLsn: Lsn; why: string }
  | { by: 'waldump'; probes: EndProbe[] };

const startOf = (history: readonly HistoryEntry[]): Lsn | undefined => history[history.length - 1]?.switchLsn;

/**
 * A primary shut down cleanly ends its WAL with the shutdown checkpoint. Anything else (crashed,
 * or a standby, whose last restartpoint says nothing about what it received) is read with pg_waldump:
 * first on the newest timeline whose history (a `.history` file in pg_wal) descends from the
 * control file's timeline, from where that timeline began, then on older ones.
 */
export const endSearch = (cd: ControlPoint, histories: ReadonlyMap<number, readonly HistoryEntry[]>): EndSearch => {
  if (cd.state === 'shut down') {
    return { by: 'checkpoint', timeline: cd.timeline, lastRecordLsn: cd.checkpointLsn, why: 'clean shutdown: the shutdown checkpoint is the last record' };
  }
  const newer = [...histories.entries()]
    .filter(([tli, h]) => tli > cd.timeline && h.some((e) => e.parentTimeline === cd.timeline))
    .sort(([a], [b]) => b - a)
    .map(([timeline, history]): EndProbe => {
      const began = startOf(history);
      return { timeline, history, start: began !== undefined && began > cd.redoLsn ? began : cd.redoLsn };
    });
  return { by: 'waldump', probes: [...newer, { timeline: cd.timeline, history: histories.get(cd.timeline) ?? [], start: cd.redoLsn }] };
};

/**
 * The spans holding our WAL from `fork` (a position on `forkTimeline`, an ancestor of or equal to our
 * timeline) to our end, one per timeline, since pg_waldump reads one timeline's segment files at a time.
 */
export const discardedSpans = (ours: { timeline: number; history: readonly HistoryEntry[] }, fork: { timeline: number; lsn: Lsn }): WalSpan[] => {
  const ends = new Map<number, Lsn | undefined>(ours.history.map((h) => [h.parentTimeline, h.switchLsn]));
  ends.set(ours.timeline, undefined);
  if (!ends.has(fork.timeline)) return [{ timeline: ours.timeline, start: fork.lsn }];
  const spans: WalSpan[] = [];
  let began: Lsn | undefined;
  for (const [timeline, end] of [...ends.entries()].sort(([a], [b]) => a - b)) {
    const start = timeline === fork.timeline ? fork.lsn : began;
    began = end;
    if (timeline < fork.timeline || start === undefined) continue;
    if (end !== undefined && start >= end) continue;
    spans.push({ timeline, start, end });
  }
  return spans;
};
