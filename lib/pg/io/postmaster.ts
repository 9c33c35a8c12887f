// Is the data directory's postmaster alive? postmaster.pid and /proc.
import { closeSync, openSync, readFileSync, readSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parsePostmasterPid, type PostmasterPid } from '../postmaster-pid.ts';

/** The parsed postmaster.pid of `pgdata`, or undefined when there is none. */
export const readPostmasterPid = (pgdata: string): PostmasterPid | undefined => {
  let text: string;
  try {
    text = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parsePostmasterPid(text);
};

/**
 * Whether `pid` is a live process. A zombie counts as dead: a killed postmaster stays a zombie until
 * its parent reaps it, and kill(pid, 0) (what pg_ctl status uses) still succeeds on it.
 */
export const processAlive = (pid: number): boolean => {
  try {
    const state = stateLetter(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
};

/** The run state letter in a /proc/<pid>/stat line (after the parenthesised command name). */
const stateLetter = (stat: string): string => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);

/** One process watched through its /proc/<pid>/stat, held open. */
export interface ProcessWatch {
  readonly pid: number;
  /** One pread(2): false once the process is a zombie or gone (the held file then fails with ESRCH). */
  alive(): boolean;
  close(): void;
}

/**
 * Watches `pid` (undefined when it is already gone). Cheaper than processAlive for a check every
 * tick: no path lookup, open or close, and a recycled PID cannot fool it (the held file stays bound
 * to the process it was opened for).
 */
export const watchProcess = (pid: number): ProcessWatch | undefined => {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(1024);
  return {
    pid,
    alive: () => {
      if (fd === undefined) return false;
      try {
        const state = stateLetter(buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0)));
        return state !== 'Z' && state !== 'X';
      } catch {
        return false;
      }
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};

/** Whether process `pid` is a postmaster of `pgdata` (its program is postgres and it works in that directory). */
export const isPostmasterOf = (pid: number, pgdata: string): boolean => {
  let argv0: string;
  try {
    argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return false;
  }
  if (!/(^|\/)(postgres|postmaster)$/.test(argv0)) return false;
  try {
    // The postmaster chdirs into its data directory; a recycled PID does not.
    return readlinkSync(`/proc/${pid}/cwd`) === realpathSync(pgdata);
  } catch {
    return true;
  }
};

/** The postmaster PID of `pgdata` and whether it runs (postmaster.pid present, PID alive and a postmaster of pgdata). */
export const postmasterStatus = (pgdata: string): { pid: number | undefined; alive: boolean } => {
  const file = readPostmasterPid(pgdata);
  return { pid: file?.pid, alive: file !== undefined && processAlive(file.pid) && isPostmasterOf(file.pid, pgdata) };
};
