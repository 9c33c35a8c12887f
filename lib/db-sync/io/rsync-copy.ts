// The rsync method: a consistent file copy. In ONE source session: a temporary slot holds the WAL from
// here on, pg_backup_start, rsync of the data directory (without pg_wal and the files a base backup leaves
// out) into the building directory with hard links to the previous copy's unchanged files, pg_backup_stop;
// then the backup_label (and tablespace_map) it returns and the WAL up to the backup's end, read over the
// same session.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, type CommandResult } from '../../exec/result.ts';
import { OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, type OcfCode } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { parseLsn } from '../../pg/lsn.ts';
import { parseBackupLabel } from '../../pg/backup-label.ts';
import type { CopyJob, CopyOutcome } from '../copy.ts';
import type { SyncParams } from '../params.ts';
import { dataArgs, mtimeCutoff, neededWalPieces, parseRsyncReceived, rsyncFailureMeaning, type RsyncTransport } from '../rsync-plan.ts';
import { fetchWal } from './wal-fetch.ts';
import { ageRecentFiles } from './dirs.ts';
import { runStreaming } from './stream-run.ts';

/** The transport the parameters describe. */
export const rsyncTransport = (p: SyncParams): RsyncTransport =>
  p.rsync_ssh_path
    ? { kind: 'ssh', host: p.rsync_host || p.source_host, path: p.rsync_ssh_path, command: p.rsync_ssh_command }
    : { kind: 'daemon', host: p.rsync_host || p.source_host, port: p.rsync_port, module: p.rsync_module, user: p.rsync_user || undefined, passwordFile: p.rsync_password_file || undefined };

/** rsync --info=progress2 lines: `  1,234,567  45%   12.34MB/s    0:00:12 ...`. */
const rsyncProgress = (text: string): [number, number | undefined] | undefined => {
  const m = /^\s*([\d,]+)\s+(\d+)%/.exec(text);
  if (!m) return undefined;
  const done = Number(m[1]!.replace(/,/g, ''));
  const pct = Number(m[2]);
  return [done, pct > 0 ? (done * 100) / pct : undefined];
};

// rsync's exit 24: files vanished between listing and reading, normal for a running server (dropped
// tables, removed temp files); WAL replay from the backup start covers them.
const rsyncFailed = (r: CommandResult): boolean => r.failed && r.exitCode !== 24;

const rsyncError = (r: CommandResult, what: string): OcfError => {
  const meaning = rsyncFailureMeaning(r.exitCode, r.stderr);
  const code: OcfCode = r.exitCode === 5 ? OCF_ERR_CONFIGURED : OCF_ERR_GENERIC;
  return new OcfError(code, `rsync of ${what} failed${meaning ? `: ${meaning}` : ''} (${describeFailure(r)})`);
};

/** Runs the rsync method in `session` (the source session the run already opened). */
export const rsyncCopy = async (job: CopyJob, session: PgSession): Promise<CopyOutcome> => {
  const t = rsyncTransport(job.p);
  const building = job.paths.building;
  const [spc] = await session.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')");
  if (Number(spc?.n) > 0) {
    throw new OcfError(OCF_ERR_CONFIGURED, `The source has ${spc?.n} tablespace(s) outside its data directory, which method=rsync does not copy; use method=basebackup`);
  }
  const [seg] = await session.query<{ s: string }>("SELECT setting AS s FROM pg_settings WHERE name = 'wal_segment_size'");
  const segmentSize = BigInt(String(seg?.s ?? 16 * 1024 * 1024));
  // Temporary (dropped with the session) and reserving WAL at once: no checkpoint may recycle a segment
  // the copy will need before it has been fetched.
  await session.query('SELECT pg_create_physical_replication_slot($1, true, true)', [`db_sync_${process.pid}`]);
  const [started] = await session.query<{ lsn: string; t: number }>("SELECT pg_backup_start('db_sync', true)::text AS lsn, extract(epoch FROM now())::float8 AS t");
  const startEpoch = Number(started?.t);
  job.log.info(`backup started on the source at ${started?.lsn}`);
  let moved = 0;
  try {
    const data = await runStreaming('rsync', dataArgs(t, building, job.previous ? job.paths.target : undefined, { progress: job.progress !== undefined, bwlimitKiB: job.p.rsync_bwlimit }), {
      timeoutMs: job.timeoutMs, signal: job.signal,
      progress: job.progress && { stream: 'stdout', parse: rsyncProgress, emit: job.progress },
    });
    if (job.signal.aborted) throw new OcfError(OCF_ERR_GENERIC, 'The copy was aborted (stop or SIGTERM); the previous copy is untouched');
    if (rsyncFailed(data)) throw rsyncError(data, 'the data directory');
    moved += parseRsyncReceived(data.stdout) ?? 0;
  } catch (e) {
    // Ends backup mode now rather than when the session closes; the error that got us here wins.
    await session.query('SELECT pg_backup_stop(false)').catch(() => undefined);
    throw e;
  }
  const [stop] = await session.query<{ lsn: string; labelfile: string; spcmapfile: string }>('SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)');
  if (!stop) throw new OcfError(OCF_ERR_GENERIC, 'pg_backup_stop() returned no row');
  const label = parseBackupLabel(stop.labelfile);
  const write = (name: string, text: string): void => {
    const path = join(building, name);
    writeFileSync(path, text, { mode: 0o600 });
    chownSync(path, job.owner.uid, job.owner.gid);
  };
  write('backup_label', stop.labelfile);
  if (stop.spcmapfile) write('tablespace_map', stop.spcmapfile);
  for (const dir of ['pg_wal', 'pg_wal/archive_status']) {
    mkdirSync(join(building, dir), { mode: 0o700 });
    chownSync(join(building, dir), job.owner.uid, job.owner.gid);
  }
  const pieces = neededWalPieces(label.timeline, label.startLsn, parseLsn(stop.lsn), segmentSize);
  try {
    moved += await fetchWal(session, { walDir: join(building, 'pg_wal'), pieces, timeline: label.timeline, segmentSize: Number(segmentSize), owner: job.owner, signal: job.signal });
  } catch (e) {
    if (job.signal.aborted) throw new OcfError(OCF_ERR_GENERIC, 'The copy was aborted (stop or SIGTERM); the previous copy is untouched');
    throw new OcfError(OCF_ERR_GENERIC, `Cannot fetch the WAL from ${started?.lsn} to ${stop.lsn} from the source: ${(e as Error).message}`);
  }
  const aged = ageRecentFiles(building, mtimeCutoff(startEpoch));
  return { bytesMoved: moved, detail: `rsync moved ${moved} bytes; backup ${started?.lsn} to ${stop.lsn}, ${new Set(pieces.map((p) => p.name)).size} WAL segments; ${aged} files changed during the copy marked for a content check next time` };
};
