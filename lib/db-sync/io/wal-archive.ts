// The wal_archive method: a restore point in target_dir (pg_basebackup, set up as a warm standby that
// restores from the archive) renewed when due or when the archive has a gap, and at every run the
// completed WAL segments since the restore point shipped into archive_dir over the source session
// (written under a temporary name, then renamed); segments the restore point no longer needs are removed.
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.ts';
import { setSettings } from '../../pg/auto-conf.ts';
import { readAutoConf, setStandbySignal, writeAutoConf } from '../../pg/io/pgdata.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { parseLsn, walFileName } from '../../pg/lsn.ts';
import { readControlHead } from '../../pg/io/controldata.ts';
import type { SyncParams } from '../params.ts';
import { needsNewBase, planShipping, segmentsToRemove } from '../wal-archive-plan.ts';

/** Bytes read per query. */
const CHUNK = 4 * 1024 * 1024;

/** The archive directory of these parameters. */
export const archiveDirOf = (p: SyncParams): string => p.archive_dir || `${p.target_dir.replace(/\/+$/, '')}.wal`;

/** The first WAL segment the restore point in `dir` needs (its checkpoint's REDO), or undefined without one. */
export const oldestNeeded = (dir: string, segmentSize: bigint): string | undefined => {
  const head = readControlHead(dir);
  return head === undefined ? undefined : walFileName(head.timeline, head.redoLsn, segmentSize);
};

/** Why a new restore point is due (undefined: the one in target_dir serves), planned with the source's WAL listing. */
export const restorePointDue = async (session: PgSession, p: SyncParams, segmentSize: bigint): Promise<string | undefined> => {
  const target = p.target_dir.replace(/\/+$/, '');
  const needed = oldestNeeded(target, segmentSize);
  const label = join(target, 'backup_label');
  const ageS = existsSync(label) ? Date.now() / 1000 - statSync(label).mtimeMs / 1000 : Infinity;
  if (needed === undefined) return needsNewBase({ hasBase: false, gap: undefined, baseAgeS: ageS, baseInterval: p.base_interval });
  const { files, current } = await listSourceWal(session);
  const archived = existsSync(archiveDirOf(p)) ? new Set(readdirSync(archiveDirOf(p))) : new Set<string>();
  const plan = planShipping(files, current, needed, archived, segmentSize);
  return needsNewBase({ hasBase: true, gap: plan.gap, baseAgeS: ageS, baseInterval: p.base_interval });
};

const listSourceWal = async (session: PgSession): Promise<{ files: string[]; current: string }> => {
  const files = (await session.query<{ name: string }>('SELECT name FROM pg_ls_waldir() ORDER BY name')).map((r) => String(r.name));
  // pg_walfile_name() names the previous segment for a position exactly on a boundary (right after a
  // switch); the segment being written is the one holding the current position.
  const [cur] = await session.query<{ l: string; t: string; s: string }>(
    "SELECT pg_current_wal_lsn()::text AS l, substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS t, (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size') AS s",
  );
  return { files, current: walFileName(Number.parseInt(String(cur?.t), 16), parseLsn(String(cur?.l)), BigInt(String(cur?.s))) };
};

/** Makes the fresh copy in `dir` a warm standby that restores from the archive (standby.signal, restore_command). */
export const prepareRestorePoint = (dir: string, archiveDir: string): void => {
  writeAutoConf(dir, setSettings(readAutoConf(dir), { restore_command: `cp ${archiveDir}/%f "%p"`, primary_conninfo: undefined }));
  setStandbySignal(dir, true);
};

/** Ships the segments the restore point in target_dir needs and removes the ones it does not; returns bytes moved and a sentence. */
export const shipWal = async (
  session: PgSession,
  o: { p: SyncParams; owner: { uid: number; gid: number }; log: Logger; signal: AbortSignal; segmentSize: bigint },
): Promise<{ bytesMoved: number; detail: string }> => {
  const dir = archiveDirOf(o.p);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, o.owner.uid, o.owner.gid);
  const needed = oldestNeeded(o.p.target_dir.replace(/\/+$/, ''), o.segmentSize);
  if (needed === undefined) throw new Error(`no restore point in ${o.p.target_dir} to ship WAL for`);
  const { files, current } = await listSourceWal(session);
  const plan = planShipping(files, current, needed, new Set(readdirSync(dir)), o.segmentSize);
  if (plan.gap) throw new Error(`segment ${plan.gap} is gone from the source before it was shipped`);
  let moved = 0;
  for (const name of plan.ship) {
    const tmp = join(dir, `${name}.db_sync-partial`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (let at = 0; ; at += CHUNK) {
        if (o.signal.aborted) throw new Error('aborted');
        const [row] = await session.query<{ b: string }>("SELECT encode(pg_read_binary_file($1, $2, $3), 'base64') AS b", [`pg_wal/${name}`, at, CHUNK]);
        const b = String(row?.b ?? '');
        moved += b.length;
        const buf = Buffer.from(b, 'base64');
        writeSync(fd, buf, 0, buf.length, at);
        if (buf.length < CHUNK) break;
      }
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    chownSync(tmp, o.owner.uid, o.owner.gid);
    renameSync(tmp, join(dir, name));
  }
  const remove = segmentsToRemove(readdirSync(dir), needed);
  for (const name of remove) rmSync(join(dir, name), { force: true });
  return { bytesMoved: moved, detail: `wal_archive shipped ${plan.ship.length} files (${moved} bytes) into ${dir}, removed ${remove.length} older than the restore point's ${needed}` };
};
