// The manager's fast view of the local PostgreSQL, without forking anything: every pidIntervalMs (the daemon: a core tick) it reads
// postmaster.pid and /proc (a crashed postmaster is seen within one tick), and every queryIntervalMs
// (the daemon: from its own tick, through poll(), as often as the core needs) it asks role, timeline,
// positions and the synchronous standbys over one persistent local connection (the lean
// wire-protocol client; node-postgres when the server wants a password).
import type { PgTarget } from '../../../pg/io/client.ts';
import { openLocalSession } from '../../../pg/io/local-session.ts';
import { isPostmasterOf, processAlive, readPostmasterPid, watchProcess, type ProcessWatch } from '../../../pg/io/postmaster.ts';
import type { PgSession } from '../../../pg/io/session.ts';
import { emptySnapshot, PROBE_SQL, postmasterState, withPostmaster, withQueryRow, type PgSnapshot, type PostmasterState } from '../pg-snapshot.ts';

/** Options of startPgProbe. */
export interface PgProbeOptions {
  pgdata: string;
  /** The local instance: unix socket directory (or host), port, database user. */
  target: PgTarget;
  /** Over a unix socket, connect with this OS user's uid (peer authentication), e.g. postgres. */
  osUser?: string | undefined;
  /** Postmaster check period (default 200 ms); 0: no timer, the caller checks (checkPostmaster) on its own tick. */
  pidIntervalMs?: number | undefined;
  /** Query period (e.g. the heartbeat interval); 0: no timer, the caller queries through poll(). */
  queryIntervalMs: number;
  /** Monotonic ms (default performance.now). */
  now?: (() => number) | undefined;
  /** Called at once when the postmaster's state changes (running -> crashed within one tick). */
  onPostmasterChange?: ((state: PostmasterState, snapshot: PgSnapshot) => void) | undefined;
}

/** A running probe. */
export interface PgProbe {
  /** The latest reading (never blocks). */
  snapshot(): PgSnapshot;
  /** Reads postmaster.pid and /proc now (no fork, no connection) and returns the reading. */
  checkPostmaster(): PgSnapshot;
  /**
   * Starts a query unless one runs or the last one started less than `minGapMs` ago (never blocks):
   * for a caller that already wakes up on a clock of its own, so the probe adds no timer wakeups.
   */
  poll(minGapMs: number): void;
  /** Checks the postmaster and queries now; resolves with the new reading. */
  refresh(): Promise<PgSnapshot>;
  /** Stops the timers and closes the connection. */
  close(): Promise<void>;
}

/** Starts watching the local instance; close() it when done. */
export const startPgProbe = (o: PgProbeOptions): PgProbe => {
  const now = o.now ?? (() => performance.now());
  let snap = emptySnapshot(now());
  let session: PgSession | undefined;
  let querying: Promise<PgSnapshot> | undefined;
  let queriedAt = -Infinity;
  let closed = false;

  const dropSession = (): void => {
    const s = session;
    session = undefined;
    void s?.close().catch(() => undefined);
  };

  // Postmaster liveness: postmaster.pid and /proc only (no fork, no connection). While the postmaster
  // seen running lives, its postmaster.pid stands, and one pread of its held /proc/<pid>/stat a tick
  // tells that it still does; anything else reads the file again.
  let lastPid: number | undefined;
  let lastIsOurs = false;
  let watch: ProcessWatch | undefined;
  const checkPostmaster = (): void => {
    if (watch !== undefined) {
      if (watch.alive()) {
        snap = withPostmaster(snap, 'running', watch.pid, now());
        return;
      }
      watch.close();
      watch = undefined;
    }
    let file;
    try {
      file = readPostmasterPid(o.pgdata);
    } catch {
      return; // being written or unreadable for a moment: keep the last state
    }
    // isPostmasterOf reads /proc/<pid>/cmdline and cwd: once per new PID, not every tick.
    if (file && file.pid !== lastPid) lastIsOurs = isPostmasterOf(file.pid, o.pgdata);
    lastPid = file?.pid;
    const state = postmasterState(file, file !== undefined && lastIsOurs && processAlive(file.pid));
    if (state === 'running' && file !== undefined && !closed) watch = watchProcess(file.pid);
    const changed = state !== snap.postmaster || file?.pid !== snap.pid;
    snap = withPostmaster(snap, state, file?.pid, now());
    if (state !== 'running') dropSession();
    if (changed) o.onPostmasterChange?.(state, snap);
  };

  const query = async (): Promise<PgSnapshot> => {
    if (snap.postmaster !== 'running' || closed) return snap;
    try {
      session ??= await openLocalSession(o.target, o.osUser);
      const [row] = await session.query(PROBE_SQL);
      if (snap.postmaster === 'running') snap = withQueryRow(snap, row ?? {}, now());
    } catch (e) {
      dropSession();
      snap = { ...snap, error: (e as Error).message };
    }
    return snap;
  };
  const queryOnce = (): Promise<PgSnapshot> => {
    if (querying) return querying;
    queriedAt = now();
    return (querying = query().finally(() => { querying = undefined; }));
  };

  checkPostmaster();
  const pidTimer = o.pidIntervalMs === 0 ? undefined : setInterval(checkPostmaster, o.pidIntervalMs ?? 200);
  const queryTimer = o.queryIntervalMs === 0 ? undefined : setInterval(() => void queryOnce(), o.queryIntervalMs);
  pidTimer?.unref();
  queryTimer?.unref();
  void queryOnce();

  return {
    snapshot: () => snap,
    checkPostmaster: () => { if (!closed) checkPostmaster(); return snap; },
    poll: (minGapMs) => { if (!closed && querying === undefined && now() - queriedAt >= minGapMs) void queryOnce(); },
    refresh: async () => {
      checkPostmaster();
      await querying;
      return queryOnce();
    },
    close: async () => {
      closed = true;
      watch?.close();
      watch = undefined;
      if (pidTimer) clearInterval(pidTimer);
      if (queryTimer) clearInterval(queryTimer);
      await querying?.catch(() => undefined);
      dropSession();
    },
  };
};
