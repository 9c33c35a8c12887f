// The two ways a diverged data directory is made to follow the primary: pg_rewind from the primary
// over libpq, or a re-clone with pg_basebackup after the old directory is renamed aside (never deleted).
// Both keep this node's own configuration files (port, sockets, memory, pg_hba), which pg_rewind and
// pg_basebackup would otherwise replace with the primary's.
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { removeState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import { describeFailure } from '../../exec/result.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import { formatLsn } from '../../pg/lsn.ts';
import { connectPg } from '../../pg/io/client.ts';
import { pgRewind, type RewindRun } from '../../pg/io/rewind.ts';
import { asideName, rewindMarkerName, rewindShortfall, rewindTouchedTarget } from '../rejoin-plan.ts';
import type { CurrentPrimary } from './current-primary.ts';
import type { PgEnv } from './env.ts';
import { cloneFromPrimary } from './standby.ts';

const LOCAL_CONFIG = ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf'];

const saveLocalConfig = (dir: string): Map<string, Buffer> =>
  new Map(LOCAL_CONFIG.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f))]));

const restoreLocalConfig = (pgdata: string, saved: Map<string, Buffer>): void => {
  const { uid, gid } = statSync(pgdata);
  for (const [file, content] of saved) {
    writeFileSync(join(pgdata, file), content, { mode: 0o600 });
    chownSync(join(pgdata, file), uid, gid);
  }
};

/** The state file that says a pg_rewind of this instance began changing its data directory and did not finish. */
export const rewindMarkerPath = (env: PgEnv): string => statePath(env.input.ctx.stateDir, rewindMarkerName(env.input.ctx.instance));

/**
 * pg_rewind's source: a normal (not replication) connection to the primary's postgres database as the
 * replication user, which therefore needs a pg_hba line for it and, unless it is a superuser, EXECUTE
 * on pg_ls_dir, pg_stat_file and pg_read_binary_file (README, "Rejoin").
 */
const rewindSource = (env: PgEnv, primary: CurrentPrimary): string =>
  renderConninfo({
    host: primary.host, port: primary.port, user: env.p.repuser, dbname: 'postgres',
    passfile: env.p.repl_passfile || undefined, connect_timeout: 5, application_name: `pgbeat-rewind-${env.node}`,
  });

// pg_rewind reads the source's timeline from its control file, which a promotion updates only at the
// next checkpoint: ask for one when it is still behind (needs pg_checkpoint or superuser; else say so).
const checkpointIfBehind = async (env: PgEnv, primary: CurrentPrimary): Promise<void> => {
  let session;
  try {
    session = await connectPg({ host: primary.host, port: primary.port, user: env.p.repuser, database: 'postgres', connectTimeoutMs: Math.min(3_000, env.left()), statementTimeoutMs: env.left(60_000) });
    const [row] = await session.query<{ tli: number }>('SELECT timeline_id AS tli FROM pg_control_checkpoint()');
    if (Number(row?.tli) >= primary.timeline) return;
    env.log.info(`rejoin: ${primary.name}'s control file still shows timeline ${row?.tli}: asking it for a CHECKPOINT`);
    await session.checkpoint();
  } catch (e) {
    env.log.warn(`rejoin: could not make sure ${primary.name} checkpointed since its promotion: ${(e as Error).message}`);
  } finally {
    await session?.close();
  }
};

/** What a rewind attempt gave. */
export type RewindAttempt = { ok: true; ms: number; run: RewindRun } | { ok: false; failure: string; touched: boolean };

const shortfall = (run: RewindRun, primary: CurrentPrimary): string | undefined =>
  rewindShortfall({ failed: run.result.failed, description: describeFailure(run.result), outcome: run.outcome }, primary.name);

/**
 * Rewinds the stopped data directory from the primary. A cleanly stopped target is checked with
 * --dry-run first (a refusal then leaves it untouched); a crashed one cannot be (pg_rewind runs its
 * crash recovery only for real). While the real run may leave a half-rewound directory, a marker in
 * the state directory says so, and the next start refuses to use the directory as it is.
 */
export const rewindFrom = async (env: PgEnv, primary: CurrentPrimary, cleanTarget: boolean): Promise<RewindAttempt> => {
  const opts = { pgdata: env.p.pgdata, sourceServer: rewindSource(env, primary) };
  await checkpointIfBehind(env, primary);
  if (cleanTarget) {
    const dry = await pgRewind(env.tools, { ...opts, dryRun: true, timeoutMs: env.left(60_000) });
    const why = shortfall(dry, primary);
    if (why !== undefined) return { ok: false, failure: `dry run: ${why}`, touched: false };
  }
  const marker = rewindMarkerPath(env);
  writeState(marker, `pg_rewind of ${env.p.pgdata} from ${primary.name} began at ${new Date().toISOString()}\n`);
  const saved = saveLocalConfig(env.p.pgdata);
  const started = Date.now();
  const run = await pgRewind(env.tools, { ...opts, dryRun: false, timeoutMs: env.left() });
  const ms = Date.now() - started;
  const touched = rewindTouchedTarget(`${run.result.stdout}\n${run.result.stderr}`);
  if (touched) restoreLocalConfig(env.p.pgdata, saved);
  const why = shortfall(run, primary);
  if (why !== undefined) {
    if (!touched) removeState(marker);
    return { ok: false, failure: why, touched };
  }
  removeState(marker);
  const at = run.outcome.divergedAt;
  env.log.info(`pg_rewind of ${env.p.pgdata} from ${primary.name} done in ${ms} ms${at ? ` (diverged at ${formatLsn(at.lsn)} on timeline ${at.timeline})` : ''}`);
  return { ok: true, ms, run };
};

/** Renames the data directory aside, recreates it empty (same owner and mode) and clones it from primary_host. */
export const rebuildFromPrimary = async (env: PgEnv, why: string): Promise<string> => {
  const pgdata = env.p.pgdata;
  const { uid, gid, mode } = statSync(pgdata);
  const aside = asideName(pgdata, new Date());
  env.log.warn(`Rebuilding ${pgdata}: ${why}; the old directory is kept as ${aside}`);
  try {
    renameSync(pgdata, aside);
  } catch (e) {
    throw new OcfError(OCF_ERR_GENERIC, `Cannot rename ${pgdata} aside to ${aside} for a re-clone (a mount point?): ${(e as Error).message}; move its contents aside by hand and start it empty`);
  }
  mkdirSync(pgdata, { mode: mode & 0o777 });
  chownSync(pgdata, uid, gid);
  await cloneFromPrimary(env);
  restoreLocalConfig(pgdata, saveLocalConfig(aside));
  removeState(rewindMarkerPath(env));
  return aside;
};
