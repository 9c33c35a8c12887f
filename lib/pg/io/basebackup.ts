// pg_basebackup: clone a standby's data directory from the primary.
import type { CommandResult } from '../../exec/result.ts';
import { runPgTool, type PgTools } from './tool.ts';

/** Options of one clone. */
export interface BasebackupOptions {
  /** Target directory: must not exist or be empty, and be writable by the system user. */
  pgdata: string;
  /** libpq conninfo of the source (host, port, user, passfile, application_name...). */
  source: string;
  /** Stream from and reserve WAL in this physical slot. */
  slot?: string | undefined;
  /** Create `slot` on the source first (pg_basebackup -C). */
  createSlot?: boolean | undefined;
  /** Write standby.signal and primary_conninfo (-R). */
  writeRecoveryConf: boolean;
  /** 'fast' (default) asks the source for an immediate checkpoint. */
  checkpoint?: 'fast' | 'spread' | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** The pg_basebackup argument list for these options (exported for tests and logs). */
export const basebackupArgs = (o: BasebackupOptions): string[] => {
  const args = ['-D', o.pgdata, '-d', o.source, '-X', 'stream', '-c', o.checkpoint ?? 'fast', '--no-password'];
  if (o.writeRecoveryConf) args.push('-R');
  if (o.slot) args.push('-S', o.slot);
  if (o.slot && o.createSlot) args.push('-C');
  return args;
};

/** Runs pg_basebackup as the system user; the result says whether it worked (failures are data). */
export const pgBasebackup = (tools: PgTools, o: BasebackupOptions): Promise<CommandResult> =>
  runPgTool(tools, 'pg_basebackup', basebackupArgs(o), { timeoutMs: o.timeoutMs, signal: o.signal });
