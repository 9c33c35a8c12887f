// pg_isready: does a server answer on this socket directory / host and port?
import type { CommandResult } from '../../exec/result.ts';
import { runLight } from '../../exec/io/run-light.ts';
import type { IsReadyCode } from '../instance-state.ts';
import { PgToolError, runPgTool, type PgTools } from './tool.ts';

/** pg_isready's answer and the command behind it. */
export interface IsReadyResult {
  code: IsReadyCode;
  result: CommandResult;
}

/**
 * Runs `pg_isready -q -h host -p port -t timeoutS -d postgres -U user` as the system user (tools.user,
 * or target.user): the server authenticates the probe like any login, and as root it would log "role
 * root does not exist" (peer) on every call. runLight unless tools.runner is given. Throws PgToolError
 * when the program is missing or was killed.
 */
export const pgIsReady = async (
  tools: PgTools,
  target: { host: string; port: number; timeoutS?: number; user?: string },
): Promise<IsReadyResult> => {
  const timeoutS = target.timeoutS ?? 5;
  const args = ['-q', '-h', target.host, '-p', String(target.port), '-t', String(timeoutS), '-d', 'postgres'];
  const user = target.user ?? tools.user;
  args.push('-U', user);
  const r = await runPgTool({ ...tools, user, runner: tools.runner ?? runLight }, 'pg_isready', args, { timeoutMs: (timeoutS + 5) * 1000 });
  if (r.exitCode === 0 || r.exitCode === 1 || r.exitCode === 2 || r.exitCode === 3) return { code: r.exitCode, result: r };
  throw new PgToolError(r, `Cannot probe ${target.host}:${target.port}`);
};
