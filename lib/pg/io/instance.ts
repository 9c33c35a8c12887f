// One PostgreSQL instance on this host, independent of any agent: its data directory, the binaries
// that run it (found once), pg_ctl bound to it, and how to reach it locally as the system user.
// The postgresql agent builds its action environment on it; the db_sync agent can use the same.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlData } from '../controldata.ts';
import { runLight } from '../../exec/io/run-light.ts';
import { findBindir } from './bindir.ts';
import type { PgTarget } from './client.ts';
import { configuredSetting } from './configured.ts';
import { readControlData } from './controldata.ts';
import { connectLocal } from './local-session.ts';
import { pgCtl, type PgCtl } from './pg-ctl.ts';
import { postmasterStatus } from './postmaster.ts';
import type { PgSession } from './session.ts';
import type { PgTools } from './tool.ts';

/** Where an instance lives and how it is run and reached. */
export interface InstanceConfig {
  pgdata: string;
  /** Directory of the binaries; empty or undefined: found from PG_VERSION, pg_config or PATH. */
  bindir?: string | undefined;
  /** The operating system user that owns pgdata and runs the server (a superuser role of the same name). */
  systemUser: string;
  /** Unix socket directory or host, and port, of the local server. */
  host: string;
  port: number;
  /** Words given to the server at start (pg_ctl -o), e.g. -cconfig_file=...; other server calls use them too. */
  serverOptions?: readonly string[] | undefined;
}

/** An instance's operations. */
export interface PgInstance {
  pgdata: string;
  tools: PgTools;
  ctl: PgCtl;
  /** The local connection target as the system user (connect and statement timeouts of a probe). */
  local: PgTarget;
  /** Opens a session as the system user (effective ids switched for a socket connect); throws when it does not answer. */
  session(timeoutMs?: number): Promise<PgSession>;
  /** Whether its postmaster runs (postmaster.pid names a live postmaster of pgdata). */
  running(): boolean;
  /** pg_controldata's full output (read as root, no runuser). */
  controlData(timeoutMs: number): Promise<ControlData>;
  /** The value the server would start with (postgres -C, with the server options). */
  configured(name: string, timeoutMs: number): Promise<string>;
}

// An empty data directory (to be cloned) has no PG_VERSION: the newest installed major is the one.
const newestDebianBindir = (): string | undefined => {
  try {
    const majors = readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    return majors.map((m) => `/usr/lib/postgresql/${m}/bin`).find((dir) => existsSync(join(dir, 'pg_ctl')));
  } catch {
    return undefined;
  }
};

/** The binaries for pgdata: the configured bindir, else as findBindir, else the newest Debian major; throws saying what was tried. */
export const resolveBindir = async (pgdata: string, configured: string | undefined): Promise<string> => {
  try {
    return (await findBindir({ pgdata, configured: configured || undefined })).bindir;
  } catch (e) {
    const newest = configured ? undefined : newestDebianBindir();
    if (!newest) throw e;
    return newest;
  }
};

/** The instance with its binaries found; throws (an Error naming what was tried) when there are none. */
export const pgInstance = async (c: InstanceConfig): Promise<PgInstance> => {
  const tools: PgTools = { bindir: await resolveBindir(c.pgdata, c.bindir), user: c.systemUser };
  const local: PgTarget = { host: c.host, port: c.port, user: c.systemUser, connectTimeoutMs: 3_000, statementTimeoutMs: 5_000 };
  return {
    pgdata: c.pgdata,
    tools,
    ctl: pgCtl(tools, c.pgdata),
    local,
    session: (timeoutMs) => connectLocal(local, timeoutMs),
    running: () => postmasterStatus(c.pgdata).alive,
    controlData: (timeoutMs) => readControlData({ ...tools, runner: runLight }, c.pgdata, { asRoot: true, timeoutMs }),
    configured: (name, timeoutMs) => configuredSetting(tools, c.pgdata, name, { options: c.serverOptions, timeoutMs }),
  };
};
