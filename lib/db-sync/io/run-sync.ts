// One sync run, as the supervisor, `db_sync run` and pull_on_start do it: lock, repair, look at both sides,
// decide, copy into a fresh directory, switch it in, drop the previous copy only when proven older, record.
import { existsSync } from 'node:fs';
import type { Logger } from '../../log/logger.ts';
import { OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { formatLsn } from '../../pg/lsn.ts';
import { postmasterStatus } from '../../pg/io/postmaster.ts';
import type { CopyJob, CopyOutcome } from '../copy.ts';
import { decideSync, isOlderCopy, type SyncVerdict } from '../direction.ts';
import { isDumpMethod, type SyncParams } from '../params.ts';
import { syncPaths, type SyncPaths } from '../paths.ts';
import type { SyncState } from '../state.ts';
import { basebackupCopy } from './basebackup-copy.ts';
import { makeBuilding, removeIfEmpty, removeTree, repairDirs, switchIn, treeBytes } from './dirs.ts';
import { takeLock } from './lock.ts';
import { userIds } from './owner.ts';
import { rsyncCopy } from './rsync-copy.ts';
import { connectSource, readSourceFacts, sourceName } from './source.ts';
import { readSyncState, writeSyncState } from './state-file.ts';
import { copyIdentity, readTargetFacts } from './target.ts';
import { dumpCopy } from './dump-copy.ts';
import { archiveDirOf, prepareRestorePoint, restorePointDue, shipWal } from './wal-archive.ts';
import type { SourceFacts } from '../direction.ts';

/** How a run ended. */
export interface RunOutcome {
  code: OcfCode;
  /** One sentence. */
  reason: string;
  /** Another run held the lock: nothing was done. */
  skipped: boolean;
  /** The source was unreachable or not a primary (pull_on_start keeps the local copy then). */
  sourceUnavailable: boolean;
}

/** What a run needs. */
export interface RunRequest {
  p: SyncParams;
  log: Logger;
  signal: AbortSignal;
  progress: ((line: string) => void) | undefined;
  timeoutMs: number;
}

// Refusals about this node's data are node-local (OCF_ERR_ARGS); the rest may clear up by themselves.
const REFUSAL_CODE: Record<Exclude<SyncVerdict, { go: true }>['kind'], OcfCode> = {
  'target-is-source': OCF_SUCCESS,
  'source-not-primary': OCF_ERR_GENERIC,
  // A configuration of the source, not of this node: the same everywhere, retrying will not help.
  'source-not-capable': OCF_ERR_CONFIGURED,
  'target-running': OCF_ERR_GENERIC,
  'target-newer': OCF_ERR_GENERIC,
  'target-diverged': OCF_ERR_GENERIC,
  'target-foreign': OCF_ERR_ARGS,
  'other-cluster': OCF_ERR_ARGS,
};

const recordRun = (path: string, update: (s: SyncState) => SyncState): void => writeSyncState(path, update(readSyncState(path)));

/** A copy kept aside by an earlier run is removed only when proven an older copy than the good one. */
const settleAside = (paths: SyncPaths, log: Logger): void => {
  if (!existsSync(paths.aside) || !existsSync(paths.target)) return;
  if (removeIfEmpty(paths.aside)) return;
  const good = copyIdentity(paths.target);
  if (good && isOlderCopy(copyIdentity(paths.aside), good)) {
    log.info(`${paths.aside} is an older copy of the same cluster: removing it`);
    removeTree(paths.aside);
    return;
  }
  throw new OcfError(OCF_ERR_ARGS, `A previous copy kept aside at ${paths.aside} is not proven older than ${paths.target}; inspect it and remove it by hand`);
};

// wal_archive's restore point is a base backup.
const copyWith = (job: CopyJob, session: PgSession): Promise<CopyOutcome> =>
  job.p.method === 'rsync' ? rsyncCopy(job, session) : basebackupCopy(job);

/** wal_archive with a restore point that still serves: ship the new segments only. */
const shipOnly = async (req: RunRequest, paths: SyncPaths, session: PgSession, source: SourceFacts, owner: { uid: number; gid: number }, started: number, segmentSize: bigint): Promise<RunOutcome> => {
  const { p, log } = req;
  const shipped = await shipWal(session, { p, owner, log, signal: req.signal, segmentSize });
  const durationMs = Date.now() - started;
  const reason = `sync done: ${shipped.detail} from ${source.name} in ${(durationMs / 1000).toFixed(1)} s`;
  log.info(reason);
  const base = copyIdentity(paths.target);
  const now = Date.now() / 1000;
  recordRun(paths.state, () => ({
    lastGood: {
      finishedAt: now, method: p.method, source: source.name, sizeBytes: treeBytes(archiveDirOf(p)), bytesMoved: shipped.bytesMoved, durationMs,
      systemId: source.systemId, timeline: base?.timeline ?? source.timeline, checkpoint: formatLsn(base?.checkpointLsn ?? source.checkpointLsn),
    },
    lastRun: { at: now, ok: true, reason },
  }));
  return { code: OCF_SUCCESS, reason, skipped: false, sourceUnavailable: false };
};

/** The dump methods' run: restore into the target server, record the source's position as the copy's. */
const dumpRun = async (req: RunRequest, paths: SyncPaths, session: PgSession, source: SourceFacts, owner: { uid: number; gid: number }, started: number): Promise<RunOutcome> => {
  const { p, log } = req;
  const job: CopyJob = { p, paths, previous: false, owner, log, signal: req.signal, progress: req.progress, timeoutMs: req.timeoutMs };
  const copied = await dumpCopy(job, session, source);
  const durationMs = Date.now() - started;
  const reason = `sync done: ${copied.detail} from ${source.name} into ${p.target_host}:${p.target_port} in ${(durationMs / 1000).toFixed(1)} s`;
  log.info(reason);
  const now = Date.now() / 1000;
  recordRun(paths.state, () => ({
    lastGood: {
      finishedAt: now, method: p.method, source: source.name, sizeBytes: copied.bytesMoved, bytesMoved: copied.bytesMoved, durationMs,
      systemId: source.systemId, timeline: source.timeline, checkpoint: formatLsn(source.checkpointLsn),
    },
    lastRun: { at: now, ok: true, reason },
  }));
  return { code: OCF_SUCCESS, reason, skipped: false, sourceUnavailable: false };
};

/** Runs one sync; never throws for the failures a run can have (they become the outcome, which the caller logs). */
export const runSync = async (req: RunRequest): Promise<RunOutcome> => {
  const { p, log } = req;
  const paths = syncPaths(p.target_dir, p.state_dir);
  const lock = takeLock(paths.lock);
  if (typeof lock === 'string') {
    log.info(lock);
    return { code: OCF_SUCCESS, reason: lock, skipped: true, sourceUnavailable: false };
  }
  if (lock.replaced) log.warn(`replaced ${lock.replaced} at ${paths.lock}`);
  const started = Date.now();
  let session: PgSession | undefined;
  let building = false;
  let sourceUnavailable = false;
  try {
    repairDirs(paths, log);
    settleAside(paths, log);
    const owner = await userIds(p.system_user);
    try {
      session = await connectSource(p, 120_000);
    } catch (e) {
      sourceUnavailable = true;
      throw new OcfError(OCF_ERR_GENERIC, `Cannot reach the source: ${(e as Error).message}`);
    }
    const source = await readSourceFacts(session, sourceName(p));
    if (isDumpMethod(p.method)) return await dumpRun(req, paths, session, source, owner, started);
    const target = readTargetFacts(paths.target);
    const verdict = decideSync(source, target, paths.target);
    if (!verdict.go && verdict.kind === 'target-is-source') {
      log.info(verdict.reason);
      return { code: OCF_SUCCESS, reason: verdict.reason, skipped: true, sourceUnavailable: false };
    }
    if (!verdict.go) {
      sourceUnavailable = verdict.kind === 'source-not-primary';
      throw new OcfError(REFUSAL_CODE[verdict.kind], verdict.reason);
    }
    const segmentSize = BigInt(String((await session.query<{ s: string }>("SELECT setting AS s FROM pg_settings WHERE name = 'wal_segment_size'"))[0]?.s ?? 16 * 1024 * 1024));
    if (p.method === 'wal_archive') {
      const due = await restorePointDue(session, p, segmentSize);
      if (due === undefined) return await shipOnly(req, paths, session, source, owner, started, segmentSize);
      log.info(`wal_archive: a new restore point: ${due}`);
    }
    log.info(`sync (${p.method}) starting: ${verdict.reason}`);
    makeBuilding(paths.building, owner.uid, owner.gid);
    building = true;
    const job: CopyJob = { p, paths, previous: target.kind === 'copy', owner, log, signal: req.signal, progress: req.progress, timeoutMs: req.timeoutMs };
    const copied = await copyWith(job, session);
    const fresh = copyIdentity(paths.building);
    if (!fresh || fresh.systemId !== source.systemId) {
      throw new OcfError(OCF_ERR_GENERIC, `The new copy in ${paths.building} has ${fresh ? `system ${fresh.systemId}` : 'no readable control file'}, not the source's system ${source.systemId}; keeping the previous copy`);
    }
    if (p.method === 'wal_archive') prepareRestorePoint(paths.building, archiveDirOf(p));
    const old = target.kind === 'copy' ? target.identity : undefined;
    // The copy took a while: a server may have been started on the target meanwhile (a takeover).
    const live = postmasterStatus(paths.target);
    if (live.alive) throw new OcfError(OCF_ERR_GENERIC, `A postmaster (PID ${live.pid}) started on ${paths.target} during the copy; not switching the new copy in`);
    switchIn(paths);
    building = false;
    // The first copy into an empty target_dir moved that empty directory aside.
    if (existsSync(paths.aside) && !removeIfEmpty(paths.aside)) {
      if (isOlderCopy(old, fresh)) removeTree(paths.aside);
      else log.warn(`kept the previous copy at ${paths.aside}: not proven older than the new one`);
    }
    if (p.method === 'wal_archive') {
      const shipped = await shipWal(session, { p, owner, log, signal: req.signal, segmentSize });
      copied.bytesMoved += shipped.bytesMoved;
      log.info(shipped.detail);
    }
    const durationMs = Date.now() - started;
    const sizeBytes = treeBytes(paths.target);
    const reason = `sync done: ${p.method} from ${source.name} into ${paths.target} (timeline ${fresh.timeline}, checkpoint ${formatLsn(fresh.checkpointLsn)}), ${sizeBytes} bytes, ${copied.bytesMoved} moved in ${(durationMs / 1000).toFixed(1)} s`;
    log.debug(copied.detail);
    log.info(reason);
    const now = Date.now() / 1000;
    recordRun(paths.state, () => ({
      lastGood: {
        finishedAt: now, method: p.method, source: source.name, sizeBytes, bytesMoved: copied.bytesMoved, durationMs,
        systemId: fresh.systemId, timeline: fresh.timeline, checkpoint: formatLsn(fresh.checkpointLsn),
      },
      lastRun: { at: now, ok: true, reason },
    }));
    return { code: OCF_SUCCESS, reason, skipped: false, sourceUnavailable: false };
  } catch (e) {
    const err = e instanceof OcfError ? e : new OcfError(OCF_ERR_GENERIC, `Sync failed: ${(e as Error).message}`);
    if (building) {
      try {
        removeTree(paths.building);
      } catch (rm) {
        log.warn(`cannot remove the unfinished copy ${paths.building}: ${(rm as Error).message}`);
      }
    }
    const reason = `${err.message}${existsSync(paths.target) ? `; the previous copy in ${paths.target} is unchanged` : ''}`;
    try {
      recordRun(paths.state, (s) => ({ ...s, lastRun: { at: Date.now() / 1000, ok: false, reason } }));
    } catch {
      // The state directory itself may be on the full disk; the reason still reaches the log.
    }
    return { code: err.code, reason, skipped: false, sourceUnavailable };
  } finally {
    await session?.close();
    lock.release();
  }
};
