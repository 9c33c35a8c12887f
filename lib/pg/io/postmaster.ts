// Is the data directory's postmaster alive? postmaster.pid and /proc.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
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
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
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
