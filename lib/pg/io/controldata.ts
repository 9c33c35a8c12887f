// A data directory's control file: all of it through pg_controldata, or its head read directly.
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { CONTROL_HEAD_BYTES, decodeControlHead, type ControlHead } from '../control-file.ts';
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

/**
 * The head of global/pg_control read straight from the file (a monitor's cheap probe; root reads
 * it): undefined when it cannot be read or its layout is not one decodeControlHead knows.
 */
export const readControlHead = (pgdata: string): ControlHead | undefined => {
  let fd: number | undefined;
  try {
    fd = openSync(join(pgdata, 'global', 'pg_control'), 'r');
    const b = Buffer.alloc(CONTROL_HEAD_BYTES);
    const n = readSync(fd, b, 0, b.length, 0);
    return decodeControlHead(b.subarray(0, n), endianness() === 'LE');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};
