// The manager's PostgreSQL probe on a real primary/standby pair: role, timeline and positions over
// one persistent connection, the synchronous standby as the primary sees it, and a kill -9 of the
// postmaster noticed from postmaster.pid and /proc within a tick or so (the time is printed, not asserted).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startPgProbe, type PgProbe } from '../../lib/manager/pg/io/pg-probe.ts';
import type { PostmasterState } from '../../lib/manager/pg/pg-snapshot.ts';
import { describeSnapshot } from '../../lib/manager/pg/pg-snapshot.ts';
import { cleanupAllPg, createStreamingPair, PG_USER, waitFor, type PgInstance } from '../helpers/pg.ts';

let a: PgInstance;
let b: PgInstance;
const probes: PgProbe[] = [];

before(async () => {
  [a, b] = await createStreamingPair('a', 'b');
  await a.sql("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (b)'");
  await a.sql('SELECT pg_reload_conf()');
});

after(async () => {
  for (const p of probes) await p.close();
  await cleanupAllPg();
});

const probe = (inst: PgInstance, onChange?: (s: PostmasterState) => void): PgProbe => {
  const p = startPgProbe({
    pgdata: inst.dataDir,
    // Peer-style: connect as the postgres OS user over the socket (the harness also trusts local).
    target: { host: inst.socketDir, port: inst.port, user: PG_USER, connectTimeoutMs: 2_000, statementTimeoutMs: 2_000 },
    osUser: PG_USER,
    queryIntervalMs: 100,
    onPostmasterChange: (s) => onChange?.(s),
  });
  probes.push(p);
  return p;
};

it('reports role, timeline and positions on both nodes, and which standby is synchronous', async () => {
  await a.sql('CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
  const pa = probe(a);
  const pb = probe(b);
  const sa = await waitFor('the primary to name b synchronous', async () => {
    const s = await pa.refresh();
    return s.synchronousStandbys.includes('b') ? s : undefined;
  }, 20_000);
  assert.equal(sa.postmaster, 'running');
  assert.equal(sa.role, 'primary');
  assert.equal(sa.timeline, 1);
  assert.ok(sa.flushLsn !== undefined && sa.flushLsn > 0n);
  const sb = await waitFor('the standby to have replayed the primary\'s position', async () => {
    const s = await pb.refresh();
    return s.replayLsn !== undefined && s.replayLsn >= sa.flushLsn! ? s : undefined;
  }, 20_000);
  assert.equal(sb.role, 'standby');
  assert.equal(sb.timeline, 1);
  assert.equal(sb.streaming, true);
  assert.ok(sb.flushLsn !== undefined && sb.flushLsn >= sa.flushLsn!);
  console.log(`# primary: ${describeSnapshot(sa)}\n# standby: ${describeSnapshot(sb)}`);
  // What two probes cost this process (postmaster checks every 200 ms, queries every 100 ms): printed, not asserted.
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 3_000));
  const used = process.cpuUsage(cpu);
  console.log(`# two probes used ${((used.user + used.system) / 1000).toFixed(0)} ms of CPU in ${Math.round(performance.now() - t0)} ms (${(((used.user + used.system) / 1000 / (performance.now() - t0)) * 100).toFixed(2)} % of a core)`);
});

it('with no timer of its own, queries only when polled, and not again within the gap', async () => {
  const p = startPgProbe({
    pgdata: a.dataDir,
    target: { host: a.socketDir, port: a.port, user: PG_USER, connectTimeoutMs: 2_000, statementTimeoutMs: 2_000 },
    osUser: PG_USER, queryIntervalMs: 0, pidIntervalMs: 0,
  });
  probes.push(p);
  // The first query runs at start.
  const first = await waitFor('the first reading', () => (p.snapshot().flushLsn !== undefined ? p.snapshot() : undefined), 10_000);
  await a.sql('INSERT INTO t SELECT generate_series(1, 1000)');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(p.checkPostmaster().flushLsn, first.flushLsn, 'no timer: the reading stays until polled');
  p.poll(60_000);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(p.snapshot().flushLsn, first.flushLsn, 'polled within the gap: no query');
  assert.equal(p.snapshot().postmaster, 'running');
  p.poll(0);
  const moved = await waitFor('the polled query', () => (p.snapshot().flushLsn! > first.flushLsn! ? p.snapshot() : undefined), 5_000);
  assert.ok(moved.flushLsn! > first.flushLsn!);
});

it('notices a kill -9 of the primary\'s postmaster from postmaster.pid and /proc', async () => {
  let crashedAt: number | undefined;
  const seen: PostmasterState[] = [];
  const p = probe(a, (s) => {
    seen.push(s);
    if (s === 'crashed') crashedAt ??= performance.now();
  });
  await waitFor('the probe to see the primary', async () => (await p.refresh()).role === 'primary', 10_000);
  const pid = p.snapshot().pid!;
  const killedAt = performance.now();
  process.kill(pid, 'SIGKILL');
  await waitFor('the probe to report the crash', () => crashedAt !== undefined, 5_000);
  console.log(`# postmaster kill -9 noticed after ${Math.round(crashedAt! - killedAt)} ms (postmaster.pid and /proc checked every 200 ms)`);
  await a.kill9().catch(() => undefined); // waits for the children to go
  // PostgreSQL's own lock check (kill(pid, 0)) still sees the postmaster until its zombie is reaped.
  await waitFor(`PID ${pid} to be reaped`, () => !existsSync(`/proc/${pid}`), 15_000);
  const s = p.snapshot();
  assert.equal(s.postmaster, 'crashed');
  assert.equal(s.role, 'unknown', 'a crashed primary has no role any more');
  assert.deepEqual(seen.slice(-1), ['crashed']);
  // It comes back: the probe sees it running again and reconnects by itself.
  await a.start();
  const back = await waitFor('the probe to reconnect', async () => {
    const r = await p.refresh();
    return r.role === 'primary' ? r : undefined;
  }, 20_000);
  assert.equal(back.postmaster, 'running');
});
