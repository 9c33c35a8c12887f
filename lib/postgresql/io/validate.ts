// validate-all and the checks before start/promote/demote: can this node run the instance as configured?
// Codes: 6 for parameter values wrong everywhere (from the schema), 5 for missing or mismatched
// software, 2 for this node's files and settings (data directory, owner, pg_hba, wal_level, port).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_ERR_INSTALLED, OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { runLight } from '../../exec/io/run-light.ts';
import { describeFailure } from '../../exec/result.ts';
import { rewindBlocker, type ControlData } from '../../pg/controldata.ts';
import { quoteValue } from '../../ocf/quote.ts';
import { checkReplicationAccess, parsePgHba } from '../../pg/pg-hba.ts';
import { parseIp } from '../../net/address.ts';
import { parseBinaryVersion, versionMismatch } from '../../pg/version.ts';
import { readControlData } from '../../pg/io/controldata.ts';
import { pgIsReady } from '../../pg/io/isready.ts';
import { existsButNotADirectory, readPgVersion } from '../../pg/io/pgdata.ts';
import { postmasterStatus } from '../../pg/io/postmaster.ts';
import type { PgParams } from '../params.ts';
import { pgEnv, type PgEnv } from './env.ts';
import { isEmptyDataDir, streamSources } from './standby.ts';

type Input = ActionInput<PgParams>;

const onNode = (why: string): OcfError => new OcfError(OCF_ERR_ARGS, why);

// The uid of a system user from /etc/passwd (the agent runs as root; os.userInfo only knows itself).
const uidOf = (user: string): number => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === user);
  if (!line) throw onNode(`system_user=${quoteValue(user)} does not exist on this node`);
  return Number(line.split(':')[2]);
};

const checkVersion = async (env: PgEnv): Promise<void> => {
  const r = await runLight(join(env.tools.bindir, 'postgres'), ['--version'], { timeoutMs: 5_000 });
  if (r.failed) throw new OcfError(OCF_ERR_INSTALLED, `Cannot run ${env.tools.bindir}/postgres --version: ${describeFailure(r)}`);
  const why = versionMismatch(readPgVersion(env.p.pgdata), parseBinaryVersion(r.stdout), { pgdata: env.p.pgdata, bindir: env.tools.bindir });
  if (why) throw new OcfError(OCF_ERR_INSTALLED, why);
};

const checkHba = (env: PgEnv): void => {
  const file = join(env.p.pgdata, 'pg_hba.conf');
  if (!existsSync(file)) return; // configuration kept elsewhere (e.g. /etc/postgresql): not checked here
  const hba = parsePgHba(readFileSync(file, 'utf8'), file);
  for (const peer of env.p.peers.filter((p) => p.name !== env.node)) {
    const src = peer.host.startsWith('/') ? { local: true as const } : parseIp(peer.host) ? { address: peer.host } : undefined;
    if (!src) continue; // a host name: pg_hba matching by name is not evaluated
    const v = checkReplicationAccess(hba, env.p.repuser, src);
    if (v.verdict !== 'allowed') {
      throw onNode(`Peer ${peer.name} could not stream from this node when it is primary: ${v.reason}; add a 'replication' line for ${env.p.repuser}`);
    }
  }
};

const configured = (env: PgEnv, name: string): Promise<string> => env.instance.configured(name, 10_000);

/**
 * The WAL settings the server runs with: pg_control's while it runs; for a stopped server, what its
 * configuration says (the next start writes them into pg_control). A freshly initialised cluster's
 * pg_control still says wal_log_hints=off whatever postgresql.conf sets.
 */
const walSettings = async (env: PgEnv, cd: ControlData): Promise<ControlData> => {
  if (env.instance.running()) return cd;
  try {
    const [walLevel, hints, fpw] = await Promise.all(['wal_level', 'wal_log_hints', 'full_page_writes'].map((n) => configured(env, n)));
    return { ...cd, walLevel: walLevel!, walLogHints: hints === 'on', fullPageWrites: fpw === 'on' };
  } catch (e) {
    env.log.warn(`${(e as Error).message}; judging the WAL settings from pg_control`);
    return cd;
  }
};

/**
 * The agent's own connections must not compete with clients: it connects as system_user (a
 * superuser), and superuser_reserved_connections keeps slots for it when clients fill max_connections.
 */
const checkReservedSlots = async (env: PgEnv): Promise<void> => {
  let value: string;
  try {
    value = await configured(env, 'superuser_reserved_connections');
  } catch (e) {
    env.log.warn(`${(e as Error).message}; superuser_reserved_connections not checked`);
    return;
  }
  if (Number(value) < 1) {
    throw onNode(`superuser_reserved_connections is ${value} in ${env.p.pgdata}: clients could take every connection slot and leave the agent none; set it to 3 (the default) or more`);
  }
};

const checkPortFree = async (env: PgEnv): Promise<void> => {
  if (postmasterStatus(env.p.pgdata).alive) return;
  const r = await pgIsReady(env.tools, { host: env.p.pghost, port: env.p.pgport, timeoutS: 2 }).catch(() => undefined);
  if (r && (r.code === 0 || r.code === 1)) {
    throw onNode(`Port ${env.p.pgport} on ${env.p.pghost} is in use by another server while ${env.p.pgdata} is not running`);
  }
};

/** Checks parameters against this node: data directory, owner, binaries, settings, port. */
export const validatePg = async (input: Input): Promise<OcfCode> => {
  const env = await pgEnv(input);
  const { pgdata, system_user: user } = env.p;
  const uid = uidOf(user);
  const dir = `pgdata=${quoteValue(pgdata)}`;
  if (existsButNotADirectory(pgdata)) throw onNode(`${dir} is not a directory (a file or device is there): point pgdata at the data directory`);
  if (isEmptyDataDir(pgdata)) {
    if (!env.p.primary_host && streamSources(env).length === 0) throw onNode(`${dir} is missing or empty and neither primary_host nor peers is set to clone it from`);
    return OCF_SUCCESS;
  }
  if (!existsSync(join(pgdata, 'PG_VERSION'))) throw onNode(`${dir} is not a PostgreSQL data directory (no PG_VERSION)`);
  const owner = statSync(pgdata).uid;
  if (owner !== uid) throw onNode(`${dir} is owned by uid ${owner}, not by system_user=${quoteValue(user)} (uid ${uid})`);
  // Where standbys stream from; a promotion streams from no one (the bundled manager passes peers
  // without a peer it knows is down, which may leave none but this node).
  if (env.mode === 'promotable' && input.ctx.action !== 'promote' && !env.p.primary_host && streamSources(env).length === 0) {
    throw new OcfError(OCF_ERR_CONFIGURED, 'Parameter primary_host or peers is required in promotable mode (where standbys stream from)');
  }
  await checkVersion(env);
  const cd = await walSettings(env, await readControlData({ ...env.tools, runner: runLight }, pgdata, { asRoot: true, timeoutMs: 10_000 }));
  if (cd.walLevel === 'minimal') throw onNode(`wal_level is minimal in ${pgdata}: set wal_level = replica (or logical) and restart`);
  // With rebuild on, a node that cannot rewind is re-cloned instead; without it, say so now.
  const blocker = rewindBlocker(cd);
  if (env.p.rewind && blocker && !env.p.rebuild) throw onNode(`rewind=true but ${blocker}; or set rewind=false`);
  if (env.p.rewind && blocker) input.log.warn(`rewind=true but ${blocker}: a diverged node will be re-cloned (rebuild=true)`);
  checkHba(env);
  await checkReservedSlots(env);
  await checkPortFree(env);
  input.log.debug(`validate: ${pgdata} owned by ${user}, bindir ${env.tools.bindir}`);
  return OCF_SUCCESS;
};
