// Making the local data directory a standby of the primary (any peer that accepts writes, else
// primary_host), cloning it when empty, and starting it.
import { existsSync, mkdirSync, chownSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OCF_ERR_CONFIGURED, OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { describeFailure } from '../../exec/result.ts';
import { setSettings } from '../../pg/auto-conf.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import { pgBasebackup } from '../../pg/io/basebackup.ts';
import { readAutoConf, setStandbySignal, writeAutoConf } from '../../pg/io/pgdata.ts';
import { anyPrimaryOf, slotNameFor, standbySettings } from '../../pg/standby-settings.ts';
import type { PgEnv } from './env.ts';
import { prepareReportDir } from './report-dir.ts';

/** The nodes a standby streams from: the peers other than this node (none: primary_host alone). */
export const streamSources = (env: PgEnv): PgEnv['p']['peers'] => env.p.peers.filter((peer) => peer.name !== env.node);

/** Where a standby streams from, for logs. */
export const describeSource = (env: PgEnv): string => {
  const peers = streamSources(env);
  return peers.length > 0 ? `whichever of ${peers.map((p) => `${p.host}:${p.port}`).join(', ')} is primary` : `${env.p.primary_host}:${env.p.primary_port}`;
};

/**
 * The conninfo standbys use to reach the primary: with peers, every other node with
 * target_session_attrs=read-write (it follows a promotion by itself); without, primary_host
 * (normally the VIP).
 */
export const primaryConninfo = (env: PgEnv): string => {
  const peers = streamSources(env);
  if (peers.length === 0 && !env.p.primary_host) {
    throw new OcfError(OCF_ERR_CONFIGURED, 'Parameter primary_host or peers is required to run a standby (where it streams from)');
  }
  return renderConninfo({
    ...(peers.length > 0 ? anyPrimaryOf(peers) : { host: env.p.primary_host, port: env.p.primary_port }),
    user: env.p.repuser,
    application_name: env.node,
    passfile: env.p.repl_passfile || undefined,
    connect_timeout: 2,
  });
};

/** Whether the data directory is missing or empty (then it may be cloned without losing anything). */
export const isEmptyDataDir = (pgdata: string): boolean => !existsSync(pgdata) || readdirSync(pgdata).length === 0;

/** Writes the standby settings into postgresql.auto.conf and creates standby.signal (server stopped). */
export const configureStandby = (env: PgEnv): void => {
  const archive = env.p.archive_dir;
  const settings = standbySettings({
    primaryConninfo: primaryConninfo(env),
    slotName: env.p.replication_slots ? slotNameFor(env.node) : undefined,
    restoreCommand: archive ? `cp '${archive}/%f' '%p'` : undefined,
    archiveCleanupCommand: archive ? `'${join(env.tools.bindir, 'pg_archivecleanup')}' '${archive}' %r` : undefined,
  });
  writeAutoConf(env.p.pgdata, setSettings(readAutoConf(env.p.pgdata), { ...settings, ...archiveSettings(env) }));
  setStandbySignal(env.p.pgdata, true);
};

/**
 * With archive_dir, every role archives into it once it is primary (archive_mode=on is idle during
 * recovery) and never overwrites a segment already there. Written while the server is down, since
 * archive_mode needs a restart.
 */
export const archiveSettings = (env: PgEnv): Record<string, string | undefined> => {
  const archive = env.p.archive_dir;
  if (!archive) return {};
  return {
    archive_mode: 'on',
    archive_command: `test ! -f '${archive}/%f' && cp '%p' '${archive}/%f'`,
  };
};

/** Removes standby.signal so the next start runs a primary (the streaming settings stay, harmless). */
export const configurePrimary = (env: PgEnv): void => {
  const archive = archiveSettings(env);
  if (Object.keys(archive).length > 0) writeAutoConf(env.p.pgdata, setSettings(readAutoConf(env.p.pgdata), archive));
  setStandbySignal(env.p.pgdata, false);
};

// Empties a directory pg_basebackup itself filled moments ago (never a pre-existing data directory).
const rmContents = (dir: string): void => {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
};

/** Clones an empty data directory from the primary with pg_basebackup (WAL streamed, slot reserved). */
export const cloneFromPrimary = async (env: PgEnv): Promise<void> => {
  const pgdata = env.p.pgdata;
  if (!isEmptyDataDir(pgdata)) throw new OcfError(OCF_ERR_GENERIC, `Refusing to clone into ${pgdata}: it is not empty`);
  if (!existsSync(pgdata)) {
    mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    const parent = statSync(join(pgdata, '..'));
    const owner = parent.uid === 0 ? undefined : parent;
    if (owner) chownSync(pgdata, owner.uid, owner.gid);
  }
  env.log.info(`Cloning ${pgdata} from ${describeSource(env)} with pg_basebackup`);
  const slot = env.p.replication_slots ? slotNameFor(env.node) : undefined;
  const clone = (createSlot: boolean) =>
    pgBasebackup(env.tools, { pgdata, source: primaryConninfo(env), slot, createSlot, writeRecoveryConf: false, timeoutMs: env.left() });
  // Reserve WAL in our slot from the first byte: create it, or use it when the primary already made it.
  let r = await clone(slot !== undefined);
  if (r.failed && slot && /already exists/.test(r.stderr)) {
    rmContents(pgdata);
    r = await clone(false);
  }
  if (r.failed) throw new OcfError(OCF_ERR_GENERIC, `Cannot clone ${pgdata} from ${describeSource(env)}: ${describeFailure(r)}`);
};

/** Starts the server (pg_ctl start -w) within the deadline; throws with pg_ctl's words on failure. */
export const startServer = async (env: PgEnv, role: 'standby' | 'primary'): Promise<void> => {
  env.log.info(`Starting ${env.p.pgdata} as ${role}`);
  prepareReportDir(env);
  const r = await env.ctl.start({ timeoutMs: env.left(), logFile: env.serverLog, options: env.p.start_opts || undefined });
  if (r.failed) {
    throw new OcfError(OCF_ERR_GENERIC, `Cannot start ${env.p.pgdata} as ${role}: ${describeFailure(r)} (see ${env.serverLog})`);
  }
};
