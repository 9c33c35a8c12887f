// What every PostgreSQL tool adapter shares: where the binaries are, which user runs them, the runner.
import { join } from 'node:path';
import { describeFailure, type CommandResult } from '../../exec/result.ts';
import { run, type Runner, type RunOptions } from '../../exec/io/run.ts';

/** How to run PostgreSQL's programs on this host. */
export interface PgTools {
  /** Directory of pg_ctl, pg_controldata, ... */
  bindir: string;
  /** System user owning the data directory (the programs refuse root or need its files). */
  user: string;
  /** execa-based `run` unless given (tests hand in a recorder; runLight switches users itself). */
  runner?: Runner | undefined;
}

/** Thrown when a PostgreSQL program fails in a way the caller cannot treat as data. */
export class PgToolError extends Error {
  override name = 'PgToolError';
  constructor(
    readonly result: CommandResult,
    what?: string,
  ) {
    super(what ? `${what}: ${describeFailure(result)}` : describeFailure(result));
  }
}

/** Runs `bindir/program args` as the system user from `/` (the user may not read root's cwd). */
export const runPgTool = (
  tools: PgTools,
  program: string,
  args: readonly string[],
  opts: Omit<RunOptions, 'user'> & { asRoot?: boolean },
): Promise<CommandResult> => {
  const { asRoot, ...rest } = opts;
  return (tools.runner ?? run)(join(tools.bindir, program), args, { cwd: '/', ...rest, ...(asRoot ? {} : { user: tools.user }) });
};

/** Whole seconds for a pg_ctl -t option: at least 1. */
export const seconds = (ms: number): string => String(Math.max(1, Math.floor(ms / 1000)));
