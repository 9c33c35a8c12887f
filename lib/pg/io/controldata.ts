// pg_controldata: read a data directory's control file.
import { parseControlData, type ControlData } from '../controldata.ts';
import { PgToolError, runPgTool, type PgTools } from './tool.ts';

/**
 * Runs `pg_controldata -D pgdata` (C locale) and parses it. Runs as the system user unless `asRoot`
 * (root can read pg_control and runLight then saves the runuser/execa start-up on monitor paths).
 */
export const readControlData = async (
  tools: PgTools,
  pgdata: string,
  opts: { timeoutMs?: number; asRoot?: boolean } = {},
): Promise<ControlData> => {
  const r = await runPgTool(tools, 'pg_controldata', ['-D', pgdata], { timeoutMs: opts.timeoutMs ?? 10_000, asRoot: opts.asRoot });
  if (r.failed) throw new PgToolError(r, `Cannot read the control file of ${pgdata}`);
  return parseControlData(r.stdout);
};
