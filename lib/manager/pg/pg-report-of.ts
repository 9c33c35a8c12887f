// The core's view of the local PostgreSQL (PgReport) from the fast probe's snapshot.
import type { PgReport } from '../core/pg-report.ts';
import type { PgSnapshot } from './pg-snapshot.ts';

/**
 * The report for the core; null until the probe knows the role. `syncFlushedLsn` is 0 while `peer`
 * streams as synchronous standby: the snapshot has no per-standby position, and 0 is a true lower
 * bound (the core takes the standby's own figure from its heartbeat).
 */
export const pgReportOf = (snap: PgSnapshot, peer: string): PgReport | null => {
  if (snap.postmaster === 'stopped' || snap.postmaster === 'crashed') {
    return { role: 'stopped', timeline: snap.timeline ?? 0, flushedLsn: 0, replayedLsn: 0, streaming: false, syncFlushedLsn: null };
  }
  if (snap.postmaster !== 'running' || snap.role === 'unknown' || snap.timeline === undefined) return null;
  return {
    role: snap.role,
    timeline: snap.timeline,
    flushedLsn: Number(snap.flushLsn ?? 0n),
    replayedLsn: Number(snap.replayLsn ?? snap.flushLsn ?? 0n),
    streaming: snap.streaming === true,
    syncFlushedLsn: snap.role === 'primary' && snap.synchronousStandbys.includes(peer) ? 0 : null,
  };
};
