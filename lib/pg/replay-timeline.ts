// The timeline a running standby has actually replayed. PostgreSQL 15 exposes the replay LSN
// (pg_last_wal_replay_lsn) but not its timeline: the WAL receiver's received_tli exists only while
// a receiver runs, and pg_control's checkpoint timeline is the last restartpoint's, which can be
// checkpoint_timeout old (a standby that followed a promotion a minute ago still shows the old
// timeline there). Without a receiver the timeline is derived from what the standby has on disk.

import { formatLsn, walFileName, type Lsn } from './lsn.ts';
import type { HistoryEntry } from './timeline-history.ts';

/** What a running standby can tell about its replay position. */
export interface ReplayFacts {
  /**
   * The position whose timeline is wanted: pg_last_wal_replay_lsn() (the end of the last record
   * replayed), or the further of it and pg_last_wal_receive_lsn() (WAL held in pg_wal, which a
   * promotion replays first).
   */
  replayLsn: Lsn;
  /** received_tli of a running WAL receiver (pg_stat_wal_receiver); undefined when none runs. */
  receiverTimeline: number | undefined;
  /** pg_control_checkpoint(): the last restartpoint's timeline and REDO point. */
  checkpoint: { timeline: number; lsn: Lsn };
  /** pg_control_recovery(): min_recovery_end_timeline and _lsn (0 when unset). */
  minRecovery: { timeline: number; lsn: Lsn };
  /** Every `<TLI>.history` in pg_wal, parsed, by timeline. */
  histories: ReadonlyMap<number, readonly HistoryEntry[]>;
  /** The names of the files in pg_wal (segments are named after their timeline). */
  walFiles: ReadonlySet<string>;
  segmentSize: bigint;
}

/** The replay timeline and how it was found (for logs). */
export interface ReplayTimeline {
  timeline: number;
  how: string;
}

/**
 * The timeline of the replay position. A running WAL receiver streams the timeline the startup
 * process asked for, which is the replay timeline or the next one it follows: received_tli.
 * Otherwise start from what pg_control proves was replayed (the minimum recovery point, updated
 * whenever the standby writes a page, else the last restartpoint) and take the newest timeline T
 * that (1) descends from that timeline after that point (T's history file), (2) began at or before
 * the replay LSN, and (3) the standby holds WAL of at the replay position (pg_wal has T's segment
 * for it: a standby writes or restores segments only of the timelines it follows). The third test
 * keeps a diverged standby, which fetched a newer timeline's history file it cannot follow, on
 * its own timeline.
 */
export const replayTimeline = (f: ReplayFacts): ReplayTimeline => {
  if (f.receiverTimeline !== undefined && f.receiverTimeline > 0) {
    return { timeline: f.receiverTimeline, how: `the WAL receiver streams timeline ${f.receiverTimeline}` };
  }
  const byMinRecovery = f.minRecovery.timeline > 0 && f.minRecovery.timeline >= f.checkpoint.timeline;
  const floor = byMinRecovery
    ? { ...f.minRecovery, what: 'minimum recovery point' }
    : { ...f.checkpoint, what: 'last restartpoint' };
  // pg_walfile_name's convention: the segment holding the last byte replayed.
  const holding = f.replayLsn > 0n ? f.replayLsn - 1n : 0n;
  const followed = [...f.histories.entries()]
    .filter(([tli, history]) => {
      if (tli <= floor.timeline) return false;
      const fromFloor = history.find((e) => e.parentTimeline === floor.timeline);
      const began = history[history.length - 1]?.switchLsn;
      return fromFloor !== undefined && fromFloor.switchLsn >= floor.lsn && began !== undefined && began <= f.replayLsn
        && f.walFiles.has(walFileName(tli, holding, f.segmentSize));
    })
    .map(([tli]) => tli)
    .sort((a, b) => b - a)[0];
  const at = `${floor.what} on timeline ${floor.timeline} at ${formatLsn(floor.lsn)}`;
  if (followed === undefined) return { timeline: floor.timeline, how: `${at}; no newer timeline with WAL at the replay position ${formatLsn(f.replayLsn)}` };
  return { timeline: followed, how: `${at}, then timeline ${followed} (history file and WAL segment in pg_wal at the replay position ${formatLsn(f.replayLsn)})` };
};
