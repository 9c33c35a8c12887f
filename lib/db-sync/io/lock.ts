// The run lock file (O_EXCL create, holder PID inside); a lock whose holder is gone is replaced.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { processAlive } from '../../pg/io/postmaster.ts';
import { processArgv } from '../../exec/io/own-process.ts';
import { lockText, lockVerdict, parseLockPid, type LockHolder } from '../lock.ts';

/** A held lock; release() removes the file if it is still ours. */
export interface HeldLock {
  release(): void;
  /** Set when a stale lock was replaced: what it was. */
  replaced: string | undefined;
}

const holderOf = (path: string): LockHolder | undefined => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = parseLockPid(text);
  // A recycled PID is someone else: the holder must still be a db_sync process.
  const isDbSync = (p: number): boolean => (processArgv(p) ?? []).some((a) => /db_sync(\.ts)?$/.test(a));
  return { pid, alive: pid !== undefined && processAlive(pid) && isDbSync(pid) };
};

const create = (path: string): boolean => {
  try {
    const fd = openSync(path, 'wx', 0o644);
    writeSync(fd, lockText(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
};

/** Takes the lock at `path`, or returns the sentence saying who holds it. */
export const takeLock = (path: string): HeldLock | string => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  let replaced: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path)) {
      return {
        replaced,
        release: () => {
          if (parseLockPid(readFileSafe(path)) === process.pid) rmSync(path, { force: true });
        },
      };
    }
    const verdict = lockVerdict(holderOf(path));
    if (!verdict.take) return verdict.reason;
    replaced = verdict.stale;
    rmSync(path, { force: true });
  }
  return 'locked, sync already active (the lock file keeps reappearing)';
};

const readFileSafe = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
