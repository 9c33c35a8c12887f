// What the fast PostgreSQL probe tells the core about the local instance, and what a heartbeat tells
// the peer. LSNs are plain numbers (byte positions; exact below 2^53, i.e. 8 PiB of WAL).

/** The local instance's role as the probe sees it. */
export type PgRole = 'primary' | 'standby' | 'stopped';

/** One probe of the local PostgreSQL. */
export interface PgReport {
  role: PgRole;
  timeline: number;
  /** Primary: flushed WAL end. Standby: flushed (received) WAL end. */
  flushedLsn: number;
  replayedLsn: number;
  /** Standby: its WAL receiver streams from the peer right now. */
  streaming: boolean;
  /** Primary: flush position of the synchronous standby that streams now (pg_stat_replication), else null. */
  syncFlushedLsn: number | null;
}

/** Whether a standby report shows a healthy follower of the given primary timeline. */
export const isHealthyStandby = (pg: PgReport | null, primaryTimeline: number | null): boolean =>
  pg !== null && pg.role === 'standby' && pg.streaming && (primaryTimeline === null || pg.timeline === primaryTimeline);

/** Orders two instances by data: timeline first, then flushed position (positive when a is ahead). */
export const compareData = (a: Pick<PgReport, 'timeline' | 'flushedLsn'>, b: Pick<PgReport, 'timeline' | 'flushedLsn'>): number =>
  a.timeline !== b.timeline ? a.timeline - b.timeline : a.flushedLsn - b.flushedLsn;
