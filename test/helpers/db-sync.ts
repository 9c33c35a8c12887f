// Pieces the db_sync tests share: a real rsync daemon on a loopback port (ended by PID), a write load
// on the source (pgbench in its own process), async agent calls, and starting a clone of a copy to read it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../lib/exec/io/run.ts';
import { describeFailure } from '../../lib/exec/result.ts';
import { pgCtl } from '../../lib/pg/io/pg-ctl.ts';
import type { AgentRun } from './agent.ts';
import { freePort, PG_BINDIR, PG_USER, pgTools, waitFor, type PgInstance } from './pg.ts';

const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A running rsync daemon exporting one module. */
export interface RsyncDaemon {
  port: number;
  module: string;
  user: string;
  /** Client side password file (mode 600) with the right secret. */
  passwordFile: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `rsync --daemon --no-detach` on 127.0.0.1 exporting `path` as module `pgdata` (user sync, read only). */
export const startRsyncDaemon = async (path: string, dir: string): Promise<RsyncDaemon> => {
  const port = await freePort();
  const secrets = join(dir, 'rsyncd.secrets');
  const passwordFile = join(dir, 'rsync.pass');
  writeFileSync(secrets, 'sync:s3cret\n', { mode: 0o600 });
  writeFileSync(passwordFile, 's3cret\n', { mode: 0o600 });
  const conf = join(dir, 'rsyncd.conf');
  writeFileSync(conf, [
    `pid file = ${join(dir, 'rsyncd.pid')}`,
    'use chroot = no',
    `log file = ${join(dir, 'rsyncd.log')}`,
    '[pgdata]',
    `path = ${path}`,
    'read only = yes',
    `uid = ${PG_USER}`,
    `gid = ${PG_USER}`,
    'auth users = sync',
    `secrets file = ${secrets}`,
    'strict modes = yes',
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('rsync', ['--daemon', '--no-detach', `--config=${conf}`, `--port=${port}`, '--address=127.0.0.1'], { stdio: 'ignore' });
  const pid = child.pid!;
  await waitFor('the rsync daemon to listen', async () => {
    const r = await run('rsync', [`rsync://127.0.0.1:${port}/`], { timeoutMs: 5_000 });
    return !r.failed;
  }, 15_000);
  return {
    port, module: 'pgdata', user: 'sync', passwordFile, pid,
    stop: async () => {
      if (child.exitCode === null) {
        process.kill(pid, 'SIGTERM');
        await waitFor('the rsync daemon to exit', () => child.exitCode !== null || child.signalCode !== null, 10_000);
      }
    },
  };
};

/** A running write load: pgbench with one client moving money between accounts and appending rows. */
export interface WriteLoad {
  stop(): Promise<void>;
}

/** Creates acct (1000 rows, balances summing to 0) and t (filler rows), once per source. */
export const prepareLoadTables = async (src: PgInstance, fillerRows: number): Promise<void> => {
  await src.sql(`CREATE TABLE acct (id int PRIMARY KEY, bal bigint NOT NULL);
    INSERT INTO acct SELECT g, 0 FROM generate_series(1, 1000) g;
    CREATE TABLE t (id bigserial PRIMARY KEY, v text NOT NULL);
    INSERT INTO t (v) SELECT repeat(md5(g::text), 4) FROM generate_series(1, ${fillerRows}) g;`);
};

/** Starts the load on `src` (as its own process, ended by PID). */
export const startLoad = async (src: PgInstance, dir: string): Promise<WriteLoad> => {
  const script = join(dir, 'load.sql');
  writeFileSync(script, [
    '\\set a random(1, 1000)',
    '\\set b random(1, 1000)',
    'BEGIN;',
    'UPDATE acct SET bal = bal - 1 WHERE id = :a;',
    'UPDATE acct SET bal = bal + 1 WHERE id = :b;',
    "INSERT INTO t (v) VALUES (repeat('load', 25));",
    'COMMIT;',
    '',
  ].join('\n'));
  const before = Number(await src.sql('SELECT count(*) FROM t'));
  const child = spawn(join(PG_BINDIR, 'pgbench'), ['-n', '-c', '1', '-T', '600', '-f', script, '-h', src.socketDir, '-p', String(src.port), '-U', PG_USER, 'postgres'], { stdio: 'ignore' });
  await waitFor('the load to commit', async () => Number(await src.sql('SELECT count(*) FROM t')) > before + 5, 15_000);
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGINT');
        await waitFor('pgbench to exit', () => child.exitCode !== null || child.signalCode !== null, 15_000);
      }
    },
  };
};

/** Runs an agent without blocking the event loop (for calls made while the test does other things). */
export const callAgentAsync = (path: string, action: string, params: Record<string, string>, extraEnv: Record<string, string> = {}, args: string[] = []): { pid: number; done: Promise<AgentRun> } => {
  const env: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...extraEnv };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const child = spawn(path, [...args, action], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<AgentRun>((resolve) => {
    child.on('close', (code) => {
      const reasons = stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
      resolve({ code, stdout, stderr, reason: reasons.length ? reasons[reasons.length - 1]!.slice('ocf-exit-reason:'.length) : undefined });
    });
  });
  return { pid: child.pid!, done };
};

/** What a started clone of a copy holds. */
export interface CopyContents {
  /** Rows of t (ids contiguous from 1 when the copy is consistent). */
  rows: number;
  maxId: number;
  /** sum(bal) of acct: 0 in every consistent state. */
  balanceSum: number;
  /** md5 over t's rows up to maxId, to compare with the source. */
  digest: string;
  /** Extra query results, in order. */
  extra: string[];
}

/** The digest query over t up to an id. */
export const digestSql = (maxId: number): string => `SELECT md5(string_agg(id::text || v, ',' ORDER BY id)) FROM t WHERE id <= ${maxId}`;

/**
 * Clones `copyDir` (cp -a, so the copy itself is never started), starts the clone on a free port, reads
 * it, stops it and removes the clone. Throws with the server log when it does not start.
 */
export const readCopy = async (copyDir: string, extraSql: string[] = [], until?: { sql: string; want: string }): Promise<CopyContents> => {
  const base = mkdtempSync(join(tmpdir(), 'pgbeat-dbsync-clone-'));
  const data = join(base, 'data');
  const sock = join(base, 'sock');
  try {
    cpSync(copyDir, data, { recursive: true, preserveTimestamps: true });
    mkdirSync(sock);
    const uid = Number((await run('id', ['-u', PG_USER], { timeoutMs: 5_000 })).stdout);
    const gid = Number((await run('id', ['-g', PG_USER], { timeoutMs: 5_000 })).stdout);
    await run('chown', ['-R', `${uid}:${gid}`, base], { timeoutMs: 30_000 });
    chownSync(base, uid, gid);
    const port = await freePort();
    const ctl = pgCtl(pgTools, data);
    const log = join(base, 'log');
    const started = await ctl.start({ timeoutMs: 60_000, logFile: log, options: `-p ${port} -c listen_addresses='' -c unix_socket_directories='${sock}' -c cluster_name=pgbeat_clone` });
    if (started.failed) {
      const text = (await run('tail', ['-n', '20', log], { timeoutMs: 5_000 })).stdout;
      throw new Error(`The copy in ${copyDir} does not start: ${describeFailure(started)}\n${text}`);
    }
    const q = async (sql: string): Promise<string> => {
      const r = await run(join(PG_BINDIR, 'psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', sock, '-p', String(port), '-d', 'postgres', '-c', sql], { timeoutMs: 30_000, user: PG_USER, cwd: '/' });
      if (r.failed) throw new Error(`SQL on the clone failed: ${describeFailure(r)}`);
      return r.stdout.trim();
    };
    try {
      if (until) await waitFor(`the clone to answer ${until.want} to ${until.sql}`, async () => (await q(until.sql)) === until.want, 60_000);
      const [rows, maxId] = (await q('SELECT count(*), coalesce(max(id), 0) FROM t')).split('|').map(Number) as [number, number];
      const balanceSum = Number(await q('SELECT sum(bal) FROM acct'));
      const digest = await q(digestSql(maxId));
      const extra: string[] = [];
      for (const sql of extraSql) extra.push(await q(sql));
      return { rows, maxId, balanceSum, digest, extra };
    } finally {
      await ctl.stop({ deadlineMs: 30_000 });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
};

/**
 * Runs `agent action` in a private mount namespace whose /dev/log is a socket we listen on (socat,
 * ended by PID), so the test reads what the agent sent to syslog; waits until `expect` shows up there
 * (or 10 s). Returns the run and the datagrams received.
 */
export const runWithSyslog = async (agent: string, action: string, params: Record<string, string>, expect: RegExp): Promise<AgentRun & { syslog: string }> => {
  const dev = mkdtempSync(join(tmpdir(), 'pgbeat-fakedev-'));
  const received = join(dev, 'received');
  for (const f of ['null', 'urandom']) writeFileSync(join(dev, f), '');
  const socat = spawn('socat', ['-u', `UNIX-RECV:${join(dev, 'log')},mode=666`, `OPEN:${received},creat,append`], { stdio: 'ignore' });
  try {
    await waitFor('the syslog socket', () => existsSync(join(dev, 'log')), 5_000);
    const script = `mount --bind /dev/null ${dev}/null && mount --bind /dev/urandom ${dev}/urandom && mount --rbind ${dev} /dev && exec "$@"`;
    const env: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf' };
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', agent, action], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const read = (): string => (existsSync(received) ? readFileSync(received, 'utf8') : '');
    await waitFor(`a syslog line matching ${expect}`, () => expect.test(read()), 10_000).catch(() => undefined);
    const reasons = stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
    return { code, stdout, stderr, reason: reasons.length ? reasons[reasons.length - 1]!.slice('ocf-exit-reason:'.length) : undefined, syslog: read() };
  } finally {
    if (socat.exitCode === null) process.kill(socat.pid!, 'SIGTERM');
    rmSync(dev, { recursive: true, force: true });
  }
};

/** A private sshd on a loopback port: key login as the system user only. */
export interface Sshd {
  port: number;
  /** The `rsync_ssh_command` that logs in with the test's key and knows the host key. */
  sshCommand: string;
  /** The same with a key the server does not know. */
  wrongKeyCommand: string;
  stop(): Promise<void>;
}

/**
 * Starts `/usr/sbin/sshd -D` (Debian openssh-server) on 127.0.0.1 with its own host key, config and
 * authorized_keys in `dir` (UsePAM: the system user's password is locked, PAM's account check allows a
 * key login anyway). /run/sshd, sshd's fixed privilege separation directory, is made when missing.
 */
export const startSshd = async (dir: string): Promise<Sshd> => {
  const sshDir = join(dir, 'ssh');
  mkdirSync(sshDir, { mode: 0o755 });
  const keygen = async (name: string): Promise<void> => {
    const r = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `pgbeat-test-${name}`, '-f', join(sshDir, name)], { timeoutMs: 15_000 });
    if (r.failed) throw new Error(`ssh-keygen: ${describeFailure(r)}`);
  };
  await keygen('host_key');
  await keygen('client_key');
  await keygen('other_key');
  writeFileSync(join(sshDir, 'authorized_keys'), readFileSync(join(sshDir, 'client_key.pub')), { mode: 0o644 });
  const port = await freePort();
  writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(sshDir, 'host_key.pub'), 'utf8')}`);
  const conf = join(sshDir, 'sshd_config');
  writeFileSync(conf, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(sshDir, 'host_key')}`, `PidFile ${join(sshDir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(sshDir, 'authorized_keys')}`, 'StrictModes no', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'UsePAM yes', `AllowUsers ${PG_USER}`, 'LogLevel VERBOSE', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const command = (key: string): string =>
    `ssh -o BatchMode=yes -o ConnectTimeout=10 -p ${port} -i ${join(sshDir, key)} -o UserKnownHostsFile=${join(sshDir, 'known_hosts')} -o StrictHostKeyChecking=yes -l ${PG_USER}`;
  await waitFor('sshd to accept a key login', async () => {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`);
    const r = await run('sh', ['-c', `${command('client_key')} 127.0.0.1 true`], { timeoutMs: 15_000 });
    return !r.failed;
  }, 20_000);
  return {
    port, sshCommand: command('client_key'), wrongKeyCommand: command('other_key'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await waitFor('sshd to exit', () => child.exitCode !== null || child.signalCode !== null, 10_000);
      }
    },
  };
};
