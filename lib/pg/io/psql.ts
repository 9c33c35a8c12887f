// psql as the system user: for setups where only `peer` authentication lets the agent in over the socket
// (a root process connecting as postgres with the `pg` client fails peer authentication).
import { PgToolError, runPgTool, type PgTools } from './tool.ts';

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Runs one SQL text with `psql -X -A -t` as the system user and returns the rows as string fields. */
export const psqlQuery = async (
  tools: PgTools,
  target: { host: string; port: number; database?: string; user?: string },
  sql: string,
  opts: { timeoutMs: number },
): Promise<string[][]> => {
  const args = ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-F', FIELD, '-R', RECORD, '-h', target.host, '-p', String(target.port), '-d', target.database ?? 'postgres', '-c', sql];
  if (target.user) args.push('-U', target.user);
  const r = await runPgTool(tools, 'psql', args, { timeoutMs: opts.timeoutMs, env: { PGCONNECT_TIMEOUT: String(Math.max(2, Math.ceil(opts.timeoutMs / 2000))) } });
  if (r.failed) throw new PgToolError(r, `Cannot run SQL on ${target.host}:${target.port}`);
  const out = r.stdout.replace(/\n$/, '');
  return out === '' ? [] : out.split(RECORD).map((row) => row.replace(/^\n/, '').split(FIELD));
};
