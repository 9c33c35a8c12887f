// The postmaster.pid lock file in a data directory (format of PostgreSQL 10+).
import { quoteValue } from '../ocf/quote.ts';

/** What postmaster.pid says about the server that wrote it. */
export interface PostmasterPid {
  pid: number;
  dataDir: string;
  /** Seconds since the epoch. */
  startTime: number | undefined;
  port: number | undefined;
  /** First unix socket directory; empty when none. */
  socketDir: string | undefined;
  /** First listen address; empty when listen_addresses = ''. */
  listenAddress: string | undefined;
  /** 'starting', 'stopping', 'ready' or 'standby' (PM_STATUS_*), when written. */
  status: string | undefined;
}

/** Parses postmaster.pid; throws SyntaxError when the first line is not a PID. */
export const parsePostmasterPid = (text: string): PostmasterPid => {
  const lines = text.split('\n');
  const pidText = (lines[0] ?? '').trim();
  // A negative PID marks a single-user backend (postgres --single).
  if (!/^-?\d+$/.test(pidText)) throw new SyntaxError(`Cannot parse postmaster.pid: first line ${quoteValue(pidText)} is not a PID`);
  const num = (i: number): number | undefined => {
    const v = (lines[i] ?? '').trim();
    return /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const str = (i: number): string | undefined => (lines.length > i ? lines[i]!.trim() : undefined);
  return {
    pid: Math.abs(Number(pidText)),
    dataDir: str(1) ?? '',
    startTime: num(2),
    port: num(3),
    socketDir: str(4),
    listenAddress: str(5),
    status: str(7) || undefined,
  };
};
