// Real PostgreSQL servers for integration tests: a primary made by initdb, standbys cloned with
// pg_basebackup, each in its own temp dir (data, unix socket, log), on a free port, run as `postgres`.
// Every wait is bounded; cleanup() stops what we started (by the PID in our postmaster.pid, never by
// name) and removes the temp dir. cleanupAllPg() is for after() hooks; an exit hook is the last resort.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../lib/exec/io/run.ts';
import { describeFailure } from '../../lib/exec/result.ts';
import { getSetting, setSettings } from '../../lib/pg/auto-conf.ts';
import { parseConninfo, renderConninfo } from '../../lib/pg/conninfo.ts';
import type { ControlData } from '../../lib/pg/controldata.ts';
import { pgBasebackup } from '../../lib/pg/io/basebackup.ts';
import { connectPg } from '../../lib/pg/io/client.ts';
import type { PgSession } from '../../lib/pg/io/session.ts';
import { readControlData } from '../../lib/pg/io/controldata.ts';
import { readAutoConf, writeAutoConf } from '../../lib/pg/io/pgdata.ts';
import { pgCtl, type PgCtl } from '../../lib/pg/io/pg-ctl.ts';
import { isPostmasterOf, processAlive, readPostmasterPid } from '../../lib/pg/io/postmaster.ts';
import type { PgTools } from '../../lib/pg/io/tool.ts';

/** The PostgreSQL binaries the tests use (PGBEAT_PG_BINDIR overrides). */
export const PG_BINDIR = process.env['PGBEAT_PG_BINDIR'] ?? '/usr/lib/postgresql/15/bin';

/** The system user that runs the servers. */
export const PG_USER = 'postgres';

/** The tools handle adapters take. */
export const pgTools: PgTools = { bindir: PG_BINDIR, user: PG_USER };

/** One server we created. */
export interface PgInstance {
  name: string;
  /** Temp dir holding data/, sock/ and postgres.log. */
  baseDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  logFile: string;
  /** cluster_name, also the tag in its processes' titles. */
  tag: string;
  ctl: PgCtl;
  /** Runs SQL with psql -AtX as postgres; returns trimmed stdout, throws with stderr on failure. */
  sql(text: string): Promise<string>;
  /** A pg client session over the socket as postgres (trust). */
  connect(): Promise<PgSession>;
  controlData(): Promise<ControlData>;
  start(): Promise<void>;
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** SIGKILLs the postmaster (PID from our postmaster.pid, checked to be ours) and waits for its processes to go. */
  kill9(): Promise<number>;
  /** Stops the server if it runs and removes the temp dir; safe to call twice. */
  cleanup(): Promise<void>;
}

/** Options of createPrimary. */
export interface PrimaryOptions {
  name?: string;
  port?: number;
  /** listen_addresses; '' (default) means unix socket only. */
  listen?: string;
  /** initdb --data-checksums. */
  checksums?: boolean;
  /** Extra or overriding postgresql.conf settings (values are written verbatim). */
  settings?: Record<string, string>;
  /** Extra pg_hba.conf lines (initdb's trust entries, replication included, come first). */
  hba?: string[];
  /** Start it after initdb (default true; false leaves a never-started cluster). */
  start?: boolean;
}

/** Options of createStandby. */
export interface StandbyOptions {
  name: string;
  port?: number;
  /** Create and use this physical slot on the primary. */
  slot?: string;
  settings?: Record<string, string>;
  /** Start it (default true). */
  start?: boolean;
}

const live = new Set<PgInstance>();
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Polls `check` every 100 ms until it returns a value other than undefined/false, or throws after timeoutMs naming `what`. */
export const waitFor = async <T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A TCP port nothing listens on right now (bind test on `host`). */
export const freePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const pgIds = (() => {
  let ids: { uid: number; gid: number } | undefined;
  return () => (ids ??= { uid: Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' })) });
})();

const ownedDir = (path: string): string => {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chownSync(path, pgIds().uid, pgIds().gid);
  return path;
};

/** PIDs of an instance's processes: their command line carries its cluster_name tag or its data directory. */
export const ourPids = (inst: Pick<PgInstance, 'tag' | 'dataDir'>): number[] =>
  readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      const mine = cmd.startsWith(`postgres: ${inst.tag}: `) || (/postgres/.test(cmd) && cmd.includes(` -D ${inst.dataDir}`));
      return mine && processAlive(Number(d)) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });

const confLines = (settings: Record<string, string>): string =>
  `\n# pgbeat test harness\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;

const quote = (v: string): string => `'${v.replace(/'/g, "''")}'`;

const makeInstance = (name: string, baseDir: string, port: number, tag: string): PgInstance => {
  const dataDir = join(baseDir, 'data');
  const socketDir = join(baseDir, 'sock');
  const logFile = join(baseDir, 'postgres.log');
  const ctl = pgCtl(pgTools, dataDir);
  const inst: PgInstance = {
    name, baseDir, dataDir, socketDir, port, logFile, tag, ctl,
    sql: async (text) => {
      const r = await run(join(PG_BINDIR, 'psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-d', 'postgres', '-c', text], { timeoutMs: 30_000, user: PG_USER, cwd: '/' });
      if (r.failed) throw new Error(`SQL on ${name} failed: ${describeFailure(r)}`);
      return r.stdout.trim();
    },
    connect: () => connectPg({ host: socketDir, port, user: PG_USER, connectTimeoutMs: 5_000, statementTimeoutMs: 20_000 }),
    controlData: () => readControlData(pgTools, dataDir),
    start: async () => {
      const r = await ctl.start({ timeoutMs: START_TIMEOUT_MS, logFile });
      if (r.failed) throw new Error(`Cannot start ${name}: ${describeFailure(r)}\n${tail(logFile)}`);
    },
    stop: async (mode = 'fast') => {
      const r = await run(join(PG_BINDIR, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', mode, '-w', '-t', String(STOP_TIMEOUT_MS / 1000)], { timeoutMs: STOP_TIMEOUT_MS + 5_000, user: PG_USER, cwd: '/' });
      if (r.failed) throw new Error(`Cannot stop ${name} (${mode}): ${describeFailure(r)}`);
      await waitFor(`${name}'s processes to exit`, () => ourPids(inst).length === 0, 15_000);
    },
    kill9: async () => {
      const file = readPostmasterPid(dataDir);
      if (!file || !processAlive(file.pid) || !isPostmasterOf(file.pid, dataDir)) throw new Error(`Cannot kill ${name}: no postmaster of ${dataDir} runs`);
      process.kill(file.pid, 'SIGKILL');
      await waitFor(`${name}'s postmaster ${file.pid} to die`, () => !processAlive(file.pid), 15_000);
      await waitFor(`${name}'s child processes to exit after the postmaster died`, () => ourPids(inst).length === 0, 15_000);
      return file.pid;
    },
    cleanup: async () => {
      live.delete(inst);
      try {
        const file = readPostmasterPid(dataDir);
        if (file && processAlive(file.pid) && isPostmasterOf(file.pid, dataDir)) await inst.stop('immediate');
      } catch {
        // Fall through to the leftovers check.
      }
      const leftovers = ourPids(inst);
      for (const pid of leftovers) process.kill(pid, 'SIGKILL');
      if (leftovers.length) await waitFor(`${name}'s leftover processes to die`, () => ourPids(inst).length === 0, 10_000).catch(() => undefined);
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
  live.add(inst);
  return inst;
};

/** The last lines of a log file, for error messages. */
const tail = (path: string, lines = 15): string => {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/** The settings every test server gets (overridable). */
const baseSettings = (inst: PgInstance, listen: string): Record<string, string> => ({
  port: String(inst.port),
  listen_addresses: quote(listen),
  unix_socket_directories: quote(inst.socketDir),
  cluster_name: quote(inst.tag),
  wal_level: 'replica',
  max_wal_senders: '10',
  max_replication_slots: '10',
  hot_standby: 'on',
  wal_log_hints: 'on',
  wal_keep_size: quote('128MB'),
  shared_buffers: quote('32MB'),
  fsync: 'off',
  logging_collector: 'off',
});

const newBase = (name: string): { baseDir: string; tag: string } => {
  const baseDir = mkdtempSync(join(tmpdir(), `pgbeat-pg-${name}-`));
  ownedDir(baseDir);
  ownedDir(join(baseDir, 'sock'));
  return { baseDir, tag: `pgbeat_${name}_${randomBytes(3).toString('hex')}` };
};

/** initdb + settings + start: a running primary. */
export const createPrimary = async (o: PrimaryOptions = {}): Promise<PgInstance> => {
  const name = o.name ?? 'primary';
  const { baseDir, tag } = newBase(name);
  const inst = makeInstance(name, baseDir, o.port ?? (await freePort(o.listen || '127.0.0.1')), tag);
  try {
    const args = ['-D', inst.dataDir, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N'];
    if (o.checksums) args.push('--data-checksums');
    const r = await run(join(PG_BINDIR, 'initdb'), args, { timeoutMs: 120_000, user: PG_USER, cwd: '/' });
    if (r.failed) throw new Error(`initdb for ${name} failed: ${describeFailure(r)}`);
    appendFileSync(join(inst.dataDir, 'postgresql.conf'), confLines({ ...baseSettings(inst, o.listen ?? ''), ...o.settings }));
    if (o.hba?.length) appendFileSync(join(inst.dataDir, 'pg_hba.conf'), `${o.hba.join('\n')}\n`);
    if (o.start !== false) await inst.start();
    return inst;
  } catch (e) {
    await inst.cleanup();
    throw e;
  }
};

/** pg_basebackup -R from a running primary (slot optional), own port/socket/name, application_name = name. */
export const createStandby = async (primary: PgInstance, o: StandbyOptions): Promise<PgInstance> => {
  const { baseDir, tag } = newBase(o.name);
  const inst = makeInstance(o.name, baseDir, o.port ?? (await freePort()), tag);
  try {
    const source = renderConninfo({ host: primary.socketDir, port: primary.port, user: PG_USER, application_name: o.name });
    const r = await pgBasebackup(pgTools, { pgdata: inst.dataDir, source, slot: o.slot, createSlot: o.slot !== undefined, writeRecoveryConf: true, timeoutMs: 120_000 });
    if (r.failed) throw new Error(`pg_basebackup for ${o.name} failed: ${describeFailure(r)}`);
    // The copied postgresql.conf carries the primary's port, socket and cluster_name: later lines win.
    appendFileSync(join(inst.dataDir, 'postgresql.conf'), confLines({ ...baseSettings(inst, ''), ...o.settings }));
    const auto = readAutoConf(inst.dataDir);
    const conninfo = parseConninfo(getSetting(auto, 'primary_conninfo') ?? '');
    writeAutoConf(inst.dataDir, setSettings(auto, { primary_conninfo: renderConninfo({ ...conninfo, application_name: o.name }) }));
    if (o.start !== false) await inst.start();
    return inst;
  } catch (e) {
    await inst.cleanup();
    throw e;
  }
};

/** Stops and removes every instance still alive (for after() hooks). */
export const cleanupAllPg = async (): Promise<void> => {
  for (const inst of [...live]) await inst.cleanup();
};

// Last resort if a test file dies without its after() hook: stop (immediate) and remove synchronously.
process.once('exit', () => {
  for (const inst of live) {
    try {
      execFileSync('runuser', ['-u', PG_USER, '--', join(PG_BINDIR, 'pg_ctl'), '-D', inst.dataDir, 'stop', '-m', 'immediate', '-w', '-t', '20'], { stdio: 'ignore', cwd: '/', timeout: 25_000 });
    } catch {
      // Not running.
    }
    rmSync(inst.baseDir, { recursive: true, force: true });
  }
});

/** A primary and a standby named `standby` streaming from it (the setup most agent tests start from). */
export const createStreamingPair = async (primary = 'a', standby = 'b'): Promise<[PgInstance, PgInstance]> => {
  const p = await createPrimary({ name: primary });
  const s = await createStandby(p, { name: standby });
  await waitFor(`${standby} streaming from ${primary}`, async () =>
    (await p.sql(`SELECT count(*) FROM pg_stat_replication WHERE application_name = '${standby}' AND state = 'streaming'`)) === '1');
  return [p, s];
};
