// report_dir: created when missing, owned by the owner of pgdata (pg_ctl, running as that user,
// appends the server log there); a server log left inside pgdata by an older version moved out.
import { quoteValue } from '../../ocf/quote.ts';
import { chownSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { LEGACY_SERVER_LOG, movedServerLogName } from '../report-files.ts';
import type { PgEnv } from './env.ts';

const move = (from: string, to: string): void => {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EXDEV') throw e;
    copyFileSync(from, to);
    rmSync(from);
  }
};

/** Makes report_dir and the server log file ready (throws an OcfError naming the directory when it cannot). */
export const prepareReportDir = (env: PgEnv): void => {
  const dir = env.p.report_dir;
  try {
    const { uid, gid } = statSync(env.p.pgdata);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      chownSync(dir, uid, gid);
    }
    const legacy = join(env.p.pgdata, LEGACY_SERVER_LOG);
    if (existsSync(legacy)) {
      const to = join(dir, movedServerLogName(env.input.ctx.instance, new Date()));
      move(legacy, to);
      env.log.info(`moved the server log ${legacy} out of the data directory to ${to}`);
    }
    // pg_ctl appends as the owner of pgdata, even to a directory it cannot write.
    if (!existsSync(env.serverLog)) {
      writeFileSync(env.serverLog, '', { mode: 0o640 });
      chownSync(env.serverLog, uid, gid);
    }
  } catch (e) {
    throw new OcfError(OCF_ERR_GENERIC, `Cannot prepare report_dir=${quoteValue(dir)} for the server log and reports: ${(e as Error).message}`);
  }
};

/** Writes a report into report_dir (mode 0640) and returns its path. */
export const writeReport = (env: PgEnv, name: string, text: string): string => {
  mkdirSync(env.p.report_dir, { recursive: true, mode: 0o750 });
  const file = join(env.p.report_dir, name);
  writeFileSync(file, text, { mode: 0o640 });
  return file;
};
