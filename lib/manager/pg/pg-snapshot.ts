// What the manager knows about the local PostgreSQL between two full monitors, for its decisions and
// for the heartbeats: the postmaster's liveness (checked every ~200 ms from postmaster.pid and /proc)
// and, over one persistent local connection, role, timeline, positions and the synchronous standbys.
import { formatLsn, parseLsn, type Lsn } from '../../pg/lsn.ts';

/**
 * running: postmaster.pid names a live postmaster of the data directory. stopped: no postmaster.pid
 * (a clean shutdown removes it). crashed: postmaster.pid is there but its process is gone (kill -9,
 * OOM killer, a crash). unknown: not read yet, or postmaster.pid unreadable.
 */
export type PostmasterState = 'running' | 'stopped' | 'crashed' | 'unknown';

/** One reading; LSNs are bigints (heartbeats encode them as text). */
export interface PgSnapshot {
  /** Clock reading (ms) of the last postmaster check. */
  checkedAt: number;
  postmaster: PostmasterState;
  pid: number | undefined;
  /** From the last successful query; 'unknown' when none succeeded since the postmaster (re)started. */
  role: 'primary' | 'standby' | 'unknown';
  timeline: number | undefined;
  /** Primary: pg_current_wal_flush_lsn(). Standby: pg_last_wal_receive_lsn() (received and flushed). */
  flushLsn: Lsn | undefined;
  /** Standby: pg_last_wal_replay_lsn(); primary: undefined. */
  replayLsn: Lsn | undefined;
  /** Primary: application_name of every standby pg_stat_replication shows as sync (or quorum). */
  synchronousStandbys: string[];
  /** Standby: whether its WAL receiver streams. */
  streaming: boolean | undefined;
  /** Clock reading (ms) of the last successful query. */
  queriedAt: number | undefined;
  /** Why the last query failed, until one succeeds. */
  error: string | undefined;
}

/** Nothing known yet. */
export const emptySnapshot = (now: number): PgSnapshot => ({
  checkedAt: now, postmaster: 'unknown', pid: undefined, role: 'unknown', timeline: undefined, flushLsn: undefined,
  replayLsn: undefined, synchronousStandbys: [], streaming: undefined, queriedAt: undefined, error: undefined,
});

/** The postmaster's state from postmaster.pid (undefined when absent) and whether its process is a live postmaster of the directory. */
export const postmasterState = (pidFile: { pid: number } | undefined, alive: boolean): PostmasterState =>
  pidFile === undefined ? 'stopped' : alive ? 'running' : 'crashed';

/** The probe's one query (answers in one round trip, on a primary and on a standby). */
export const PROBE_SQL = `SELECT pg_is_in_recovery() AS recovery,
  CASE WHEN pg_is_in_recovery()
    THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS tli,
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_flush_lsn() END::text AS flushed,
  pg_last_wal_replay_lsn()::text AS replayed,
  (SELECT string_agg(application_name, ' ' ORDER BY application_name) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')) AS sync,
  (SELECT status FROM pg_stat_wal_receiver) AS receiver`;

const lsn = (v: unknown): Lsn | undefined => (typeof v === 'string' && v !== '' ? parseLsn(v) : undefined);

/** The snapshot after a successful probe query (its row as the lean connection returns it). */
export const withQueryRow = (s: PgSnapshot, row: Readonly<Record<string, unknown>>, now: number): PgSnapshot => {
  const standby = row['recovery'] === true;
  return {
    ...s,
    role: standby ? 'standby' : 'primary',
    timeline: row['tli'] === null || row['tli'] === undefined ? undefined : Number(row['tli']),
    flushLsn: lsn(row['flushed']),
    replayLsn: standby ? lsn(row['replayed']) : undefined,
    synchronousStandbys: typeof row['sync'] === 'string' ? row['sync'].split(' ').filter(Boolean) : [],
    streaming: standby ? row['receiver'] === 'streaming' : undefined,
    queriedAt: now,
    error: undefined,
  };
};

/** The snapshot after the postmaster check; a postmaster that is not running has no role. */
export const withPostmaster = (s: PgSnapshot, state: PostmasterState, pid: number | undefined, now: number): PgSnapshot =>
  state === 'running'
    ? { ...s, checkedAt: now, postmaster: state, pid }
    : { ...emptySnapshot(now), postmaster: state, pid, error: s.error };

/** One line for logs: "running pid 42, primary tl 3 flush 0/3000060 sync [node2]". */
export const describeSnapshot = (s: PgSnapshot): string => {
  if (s.postmaster !== 'running') return `${s.postmaster}${s.pid ? ` (pid ${s.pid})` : ''}`;
  const at = (l: Lsn | undefined): string => (l === undefined ? '-' : formatLsn(l));
  const role = s.role === 'primary'
    ? `primary tl ${s.timeline ?? '?'} flush ${at(s.flushLsn)} sync [${s.synchronousStandbys.join(' ')}]`
    : s.role === 'standby' ? `standby tl ${s.timeline ?? '?'} received ${at(s.flushLsn)} replayed ${at(s.replayLsn)}${s.streaming ? ' streaming' : ' not streaming'}` : 'role unknown';
  return `running pid ${s.pid}, ${role}${s.error ? ` (${s.error})` : ''}`;
};
