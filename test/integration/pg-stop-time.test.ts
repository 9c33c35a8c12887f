// A stop finishes in bounded time (issue 7, rule 5). A primary frozen (SIGSTOP on all its processes)
// while clients keep opening connections, then resumed, must stop well inside the action's timeout:
// the agent gives fast shutdown a bounded share and then shuts down immediately. In the normal case the
// fast shutdown completes and its checkpoint reaches the standby (a switchover needs no rewind).
// Prints the stop times; asserts only that they fit the timeout.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createStreamingPair, ourPids, PG_BINDIR, PG_USER, waitFor, type PgInstance } from '../helpers/pg.ts';
import { postmasterStatus, readPostmasterPid } from '../../lib/pg/io/postmaster.ts';
import { parseLsn } from '../../lib/pg/lsn.ts';

const AGENT = agentPath('postgresql');
const TIMEOUT_MS = 120_000;
const FREEZE_MS = 20_000;
let p: PgInstance;
let s: PgInstance;
let stateDir: string;
let bench: ChildProcess | undefined;
let frozen: number[] = [];

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  [p, s] = await createStreamingPair('stopa', 'stopb');
});

after(async () => {
  thaw();
  stopBench();
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

const stop = () =>
  callAgent(AGENT, 'stop', {
    pgdata: p.dataDir, pghost: p.socketDir, pgport: String(p.port), mode: 'promotable', repuser: 'postgres',
    primary_host: s.socketDir, primary_port: String(s.port), CRM_meta_timeout: String(TIMEOUT_MS),
  }, { extraEnv: { HA_RSCTMP: stateDir }, timeoutMs: TIMEOUT_MS + 10_000 });

const timed = <T>(fn: () => T): [T, number] => {
  const started = performance.now();
  const r = fn();
  return [r, Math.round(performance.now() - started)];
};

it('normal case: the fast shutdown finishes and its checkpoint reaches the standby', async () => {
  await p.sql('CREATE TABLE stop_t AS SELECT generate_series(1, 1000) AS x');
  const [r, ms] = timed(stop);
  assert.equal(r.code, 0, r.stderr);
  console.log(`stop of an idle primary with a streaming standby: ${ms} ms`);
  assert.doesNotMatch(r.stderr, /immediate shutdown/);
  const cd = await p.controlData();
  assert.equal(cd.state, 'shut down');
  const received = parseLsn(await s.sql('SELECT pg_last_wal_receive_lsn()'));
  assert.ok(received > cd.checkpointLsn, `the standby received the shutdown checkpoint (${await s.sql('SELECT pg_last_wal_receive_lsn()')})`);
  await p.start();
  await waitFor('the standby to stream again', async () => (await p.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === '1');
});

const startBench = async (): Promise<void> => {
  const pgbench = join(PG_BINDIR, 'pgbench');
  const conn = ['-h', p.socketDir, '-p', String(p.port), '-U', PG_USER, 'postgres'];
  const init = spawn('runuser', ['-u', PG_USER, '--', pgbench, '-i', '-q', '-s', '1', ...conn], { stdio: 'ignore', cwd: '/' });
  assert.equal(await new Promise((resolve) => init.on('exit', resolve)), 0, 'pgbench -i');
  // A new connection for every transaction (-C): clients keep connecting through the freeze.
  bench = spawn('runuser', ['-u', PG_USER, '--', pgbench, '-n', '-C', '-c', '20', '-j', '2', '-T', '300', ...conn], { stdio: 'ignore', cwd: '/' });
  await waitFor('clients at work', async () => Number(await p.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'")) >= 5);
};

const stopBench = (): void => {
  if (bench?.pid !== undefined && bench.exitCode === null) process.kill(bench.pid, 'SIGKILL');
};

/** Freezes every process of the primary, queues `silent` connections that never send a byte (stalled clients). */
const signalAll = (pids: number[], signal: NodeJS.Signals): void => {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Exited meanwhile (a backend whose client went away).
    }
  }
};

const freeze = (silent: number): Socket[] => {
  // Twice: a backend forked while the first pass ran is caught by the second.
  frozen = ourPids(p);
  signalAll(frozen, 'SIGSTOP');
  frozen = ourPids(p);
  signalAll(frozen, 'SIGSTOP');
  return Array.from({ length: silent }, () => connect({ path: `${p.socketDir}/.s.PGSQL.${p.port}` }).on('error', () => undefined));
};

const thaw = (): void => {
  signalAll(frozen, 'SIGCONT');
  frozen = [];
};

/** Runs the agent's stop without blocking the event loop; resolves with its code, stderr and duration. */
const stopAsync = (): Promise<{ code: number | null; stderr: string; ms: number }> =>
  new Promise((resolve) => {
    const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', OCF_ROOT: '/usr/lib/ocf', HA_RSCTMP: stateDir };
    const params = {
      pgdata: p.dataDir, pghost: p.socketDir, pgport: String(p.port), mode: 'promotable', repuser: 'postgres',
      primary_host: s.socketDir, primary_port: String(s.port), CRM_meta_timeout: String(TIMEOUT_MS),
    };
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
    const started = performance.now();
    const child = spawn(AGENT, ['stop'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS + 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Math.round(performance.now() - started) });
    });
  });

const how = (stderr: string): string => {
  if (/its postmaster was killed/.test(stderr)) return 'fast, immediate, then SIGKILL';
  return /needed an immediate shutdown/.test(stderr) ? 'fast, then immediate' : 'fast';
};

it(`frozen ${FREEZE_MS / 1000} s with clients connecting, resumed, then stopped: stops inside the timeout`, async () => {
  await startBench();
  const sockets = freeze(10);
  await new Promise((r) => setTimeout(r, FREEZE_MS));
  thaw();
  const r = await stopAsync();
  console.log(`stop of a primary frozen ${FREEZE_MS / 1000} s (20 clients connecting, 10 stalled), resumed, then stopped: ${r.ms} ms (${how(r.stderr)})`);
  for (const sock of sockets) sock.destroy();
  stopBench();
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.ms < TIMEOUT_MS, `stop took ${r.ms} ms, more than the action's timeout`);
  assert.equal(postmasterStatus(p.dataDir).alive, false, 'the postmaster is gone');
});

it(`stop called while frozen (a monitor timed out), resumed ${FREEZE_MS / 1000} s into the freeze: stops inside the timeout`, async () => {
  await p.start();
  await startBench();
  const postmaster = readPostmasterPid(p.dataDir)!.pid;
  const sockets = freeze(10);
  const stopping = stopAsync();
  await new Promise((r) => setTimeout(r, FREEZE_MS));
  thaw();
  const r = await stopping;
  console.log(`stop called on a frozen primary (20 clients connecting, 10 stalled), resumed after ${FREEZE_MS / 1000} s: ${r.ms} ms from the call (${how(r.stderr)})`);
  for (const sock of sockets) sock.destroy();
  stopBench();
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.ms < TIMEOUT_MS, `stop took ${r.ms} ms, more than the action's timeout`);
  assert.equal(postmasterStatus(p.dataDir).alive, false, 'the postmaster is gone');
  await waitFor('every process of the instance to exit', () => ourPids(p).length === 0, 10_000);
  // This sandbox's PID 1 reaps orphans late: PostgreSQL's lock-file check counts a zombie postmaster as running.
  await waitFor(`the postmaster ${postmaster} to be reaped`, () => !existsSync(`/proc/${postmaster}`), 30_000);
  await p.start();
  assert.equal(await p.sql('SELECT count(*) > 0 FROM pgbench_accounts'), 't', 'it starts again (crash recovery) with its data');
});
