// What a stopped server would run with: `postgres -C name` reads postgresql.conf, its includes and
// postgresql.auto.conf exactly as the next start will (pg_control of a stopped cluster only records
// the settings of its last start, or initdb's defaults if it never ran).
import { runLight } from '../../exec/io/run-light.ts';
import { PgToolError, runPgTool, type PgTools } from './tool.ts';

/** The configured value of `name` for pgdata (`options`: the words passed to the server at start). */
export const configuredSetting = async (
  tools: PgTools,
  pgdata: string,
  name: string,
  o: { options?: readonly string[]; timeoutMs: number },
): Promise<string> => {
  const r = await runPgTool({ ...tools, runner: tools.runner ?? runLight }, 'postgres', ['-D', pgdata, ...(o.options ?? []), '-C', name], { timeoutMs: o.timeoutMs });
  if (r.failed) throw new PgToolError(r, `Cannot read the configured ${name} of ${pgdata}`);
  return r.stdout.trim();
};
