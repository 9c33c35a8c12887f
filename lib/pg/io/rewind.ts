// pg_rewind: bring a diverged old primary back onto the new primary's timeline (or only check, --dry-run).
import type { CommandResult } from '../../exec/result.ts';
import { parseRewindOutput, type RewindOutcome } from '../rewind-output.ts';
import { runPgTool, type PgTools } from './tool.ts';

/** Options of one rewind. */
export interface RewindOptions {
  /** The cleanly stopped target data directory. */
  pgdata: string;
  /** libpq conninfo of the running source (the new primary). */
  sourceServer: string;
  /** Report what would be done without changing anything (-n). */
  dryRun: boolean;
  /** Fetch missing target WAL with the target's restore_command (--restore-target-wal). */
  restoreTargetWal?: boolean | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** The command's result and what its messages said. */
export interface RewindRun {
  result: CommandResult;
  outcome: RewindOutcome;
}

/** The pg_rewind argument list for these options. */
export const rewindArgs = (o: RewindOptions): string[] => {
  const args = ['-D', o.pgdata, `--source-server=${o.sourceServer}`, '--progress'];
  if (o.dryRun) args.push('--dry-run');
  if (o.restoreTargetWal) args.push('--restore-target-wal');
  return args;
};

/** Runs pg_rewind as the system user and parses its messages; check `result.failed` and `outcome`. */
export const pgRewind = async (tools: PgTools, o: RewindOptions): Promise<RewindRun> => {
  const result = await runPgTool(tools, 'pg_rewind', rewindArgs(o), { timeoutMs: o.timeoutMs, signal: o.signal });
  return { result, outcome: parseRewindOutput(`${result.stdout}\n${result.stderr}`) };
};
