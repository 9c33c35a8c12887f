// The rsync method's pure parts: what a base backup leaves out, the rsync arguments for the data
// directory, the WAL pages a backup needs, and what rsync --stats says was moved.
import { walFileName, type Lsn } from '../pg/lsn.ts';

/**
 * rsync filter rules for the files pg_basebackup leaves out (basebackup.c: excludeFiles and
 * excludeDirContents), pg_wal included (its WAL is copied separately, only the segments the backup needs).
 * Leading '/' anchors a rule at the data directory's top.
 */
export const BASE_BACKUP_EXCLUDES: readonly string[] = [
  '/pg_wal',
  '/postmaster.pid',
  '/postmaster.opts',
  '/backup_label',
  '/backup_label.old',
  '/tablespace_map',
  '/backup_manifest',
  '/current_logfiles',
  '/postgresql.auto.conf.tmp',
  '/pg_replslot/*',
  '/pg_dynshmem/*',
  '/pg_notify/*',
  '/pg_serial/*',
  '/pg_snapshots/*',
  '/pg_stat_tmp/*',
  '/pg_subtrans/*',
  'pg_internal.init',
  'pgsql_tmp*',
];

/** How rsync reaches the source's data directory. */
export type RsyncTransport =
  | { kind: 'daemon'; host: string; port: number; module: string; user: string | undefined; passwordFile: string | undefined }
  | { kind: 'ssh'; host: string; path: string; command: string };

/** The source argument for a path inside the source data directory ('' is its top). */
export const rsyncSourceUrl = (t: RsyncTransport, sub: string): string => {
  const tail = sub === '' ? '' : `${sub.replace(/^\/+|\/+$/g, '')}/`;
  if (t.kind === 'daemon') {
    const host = t.host.includes(':') ? `[${t.host}]` : t.host;
    return `rsync://${t.user ? `${t.user}@` : ''}${host}:${t.port}/${t.module}/${tail}`;
  }
  return `${t.host}:${t.path.replace(/\/+$/, '')}/${tail}`;
};

/** Transport options every rsync call of a run carries. */
export const transportArgs = (t: RsyncTransport): string[] => {
  if (t.kind === 'daemon') return t.passwordFile ? [`--password-file=${t.passwordFile}`] : [];
  return ['-e', t.command];
};

/**
 * rsync arguments for the data directory into `dest` (a fresh directory): archive mode; with a previous
 * copy (`previous`, absolute), hard links to its unchanged files, which are also the delta basis for
 * changed ones, compared in 8 KiB blocks (PostgreSQL's page size); without one, whole files (no basis to
 * compare against). --stats gives the bytes moved.
 */
export const dataArgs = (t: RsyncTransport, dest: string, previous: string | undefined, o: { progress: boolean; bwlimitKiB: number }): string[] => [
  '-a', '--stats',
  ...(previous ? ['--block-size=8192', `--link-dest=${previous}`] : ['--whole-file']),
  ...(o.progress ? ['--info=progress2', '--no-inc-recursive'] : []),
  ...(o.bwlimitKiB > 0 ? [`--bwlimit=${o.bwlimitKiB}`] : []),
  ...BASE_BACKUP_EXCLUDES.map((e) => `--exclude=${e}`),
  ...transportArgs(t),
  rsyncSourceUrl(t, ''),
  `${dest.replace(/\/+$/, '')}/`,
];

/** One piece of a WAL segment the copy needs: `length` bytes at `offset` of file `name`. */
export interface WalPiece {
  name: string;
  offset: number;
  length: number;
}

/** WAL page size (XLOG_BLCKSZ). */
export const WAL_PAGE = 8192n;

/**
 * The byte ranges of WAL recovery reads to make the copy consistent, page-aligned: in each segment from
 * the one holding `start` to the one holding the byte before `stop`, its first page (recovery checks the
 * long header of every segment it opens) and the pages from `start` (or the segment's top) through the
 * page holding the byte before `stop`. The rest of each segment is left zero: recovery reads a zero
 * page as the end of the WAL, after the backup's end.
 */
export const neededWalPieces = (timeline: number, start: Lsn, stop: Lsn, segmentSize: bigint): WalPiece[] => {
  const pieces: WalPiece[] = [];
  const last = stop > start ? stop - 1n : start;
  const lastPageEnd = last - (last % WAL_PAGE) + WAL_PAGE;
  for (let seg = start - (start % segmentSize); seg <= last; seg += segmentSize) {
    const name = walFileName(timeline, seg, segmentSize);
    const from = start > seg ? start - (start % WAL_PAGE) : seg;
    const to = lastPageEnd < seg + segmentSize ? lastPageEnd : seg + segmentSize;
    if (from > seg) pieces.push({ name, offset: 0, length: Number(WAL_PAGE) });
    pieces.push({ name, offset: Number(from - seg), length: Number(to - from) });
  }
  return pieces;
};

/** The bytes rsync reports it received (the client pulls, so these are the bytes moved), from --stats. */
export const parseRsyncReceived = (stdout: string): number | undefined => {
  const m = /^Total bytes received: ([\d,.]+)/m.exec(stdout);
  return m ? Number(m[1]!.replace(/[,.]/g, '')) : undefined;
};

/**
 * Files whose source mtime is at or after this second may have changed again within that same second
 * after rsync read them; rsync's next quick check (size + mtime) would then miss the change. Their copies
 * get mtime 0 so the next run compares their contents.
 */
export const mtimeCutoff = (backupStartEpoch: number): number => Math.floor(backupStartEpoch) - 1;

/** rsync exit codes worth their own sentence. */
export const rsyncExitMeaning = (code: number | undefined): string | undefined => {
  switch (code) {
    case 5: return 'the rsync daemon refused us (wrong module, user or password)';
    case 10: return 'cannot connect to the rsync daemon (unreachable host or port)';
    case 11: return 'a file could not be written (is the target disk full?)';
    case 12: return 'the rsync protocol stream broke (remote side died, or the disk is full)';
    case 20: return 'rsync was interrupted';
    case 23: return 'some files could not be transferred';
    case 24: return 'some source files vanished during the copy (normal for a running server)';
    case 30: return 'rsync timed out';
    case 35: return 'rsync timed out waiting for the daemon';
    case 255: return 'the remote shell (ssh) failed: host unreachable, key refused or host key unknown';
    default: return undefined;
  }
};

// What ssh itself prints when it fails; rsync then exits 255 or 12 depending on which pipe broke first.
const SSH_FAILURE = /Permission denied \(|Host key verification failed|ssh: connect to host|ssh: Could not resolve|Connection closed by .* port|kex_exchange_identification|No such file or directory.*ssh/;

/** The sentence for a failed rsync run: the disk or ssh named in its stderr, else its exit code. */
export const rsyncFailureMeaning = (code: number | undefined, stderr: string): string | undefined => {
  if (/No space left on device/.test(stderr)) return 'the target disk is full (No space left on device)';
  if (SSH_FAILURE.test(stderr)) return rsyncExitMeaning(255);
  return rsyncExitMeaning(code);
};
