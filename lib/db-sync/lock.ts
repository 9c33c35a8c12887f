// The run lock: one sync per target at a time, shared by the supervisor and `db_sync run` from cron.

/** What the lock file says and whether its holder still runs. */
export interface LockHolder {
  pid: number | undefined;
  alive: boolean;
}

/** What to do about an existing lock file. */
export type LockVerdict = { take: true; stale: string | undefined } | { take: false; reason: string };

/** The lock file's text: the holder's PID. */
export const lockText = (pid: number): string => `${pid}\n`;

/** The PID in a lock file, or undefined when it holds none. */
export const parseLockPid = (text: string): number | undefined => {
  const m = /^\s*(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Whether a run may take the lock: no holder, or a holder that is gone (a stale lock is replaced). */
export const lockVerdict = (holder: LockHolder | undefined): LockVerdict => {
  if (holder === undefined) return { take: true, stale: undefined };
  if (holder.pid !== undefined && holder.alive) return { take: false, reason: `locked, sync already active (PID ${holder.pid})` };
  return { take: true, stale: holder.pid === undefined ? 'an unreadable lock file' : `a stale lock of PID ${holder.pid}, which is gone` };
};
