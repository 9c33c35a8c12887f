// The postgresql agent driven by the manager's executor on a real pair, as pgbeat will drive it:
// prepare (a standby, whose primary_conninfo lists the peers with target_session_attrs=read-write),
// monitor (promoted where held, a standby elsewhere), release (demote), take (promote between its
// notifications), and a take the agent refuses (a primary runs elsewhere) handed over. The old
// primary follows the promotion by itself: nobody touches it after its demotion.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupConfig, ResourceSpec } from '../../lib/manager/config/cluster-config.ts';
import { monitorPlan, preparePlan, releasePlan, takePlan } from '../../lib/manager/resources/group-plan.ts';
import { defaultResolveOptions } from '../../lib/manager/resources/invocation.ts';
import { judgeMonitor } from '../../lib/manager/resources/monitor-verdict.ts';
import { executePlan, type ExecutorOptions } from '../../lib/manager/resources/io/plan-executor.ts';
import { createResourceRunner } from '../../lib/manager/resources/io/resource-runner.ts';
import { createGroupResources } from '../../lib/manager/resources/io/group-resources.ts';
import { startPgProbe } from '../../lib/manager/pg/io/pg-probe.ts';
import { agentPath } from '../helpers/agent.ts';
import { cleanupAllPg, createStreamingPair, PG_USER, waitFor, type PgInstance } from '../helpers/pg.ts';

let a: PgInstance;
let b: PgInstance;
let dir: string;
const TIMEOUTS = { start: 120_000, stop: 60_000, promote: 60_000, demote: 120_000, notify: 30_000, monitor: 20_000 };

before(async () => {
  assert.ok(existsSync(agentPath('postgresql')), 'run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-mgr-pg-'));
  mkdirSync(join(dir, 'ocf', 'resource.d', 'pgbeat'), { recursive: true });
  symlinkSync(agentPath('postgresql'), join(dir, 'ocf', 'resource.d', 'pgbeat', 'postgresql'));
  mkdirSync(join(dir, 'run'));
  [a, b] = await createStreamingPair('a', 'b');
});

after(async () => {
  await cleanupAllPg();
  rmSync(dir, { recursive: true, force: true });
});

// Both nodes on one host: each node's resource names its own instance; peers name both.
const pgResource = (self: PgInstance): ResourceSpec => {
  const params = {
    pgdata: self.dataDir, pghost: self.socketDir, pgport: String(self.port), repuser: 'postgres', replication_slots: 'false',
    peers: `a=${a.socketDir}:${a.port} b=${b.socketDir}:${b.port}`,
  };
  return { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params, text: 'ocf:pgbeat:postgresql' };
};
const group = (self: PgInstance, ...more: ResourceSpec[]): GroupConfig => ({ key: 'ocf:pgbeat:postgresql', preferredNode: 'a', resources: [pgResource(self), ...more], at: 'haresources:1' });
const executor = (node: string): ExecutorOptions => ({
  runner: createResourceRunner({ ...defaultResolveOptions(node), ocfRoot: join(dir, 'ocf'), v1Dirs: [join(dir, 'resource.d')], stateDir: join(dir, 'run') }),
  timeoutsMs: TIMEOUTS,
  retryDelayMs: 200,
  onRun: (r) => console.log(`# ${node}: ${r.step.what} -> ${r.result.code} in ${Math.round(r.result.durationMs)} ms${r.ok ? '' : ` (${r.result.reason ?? ''})`}`),
});
const streamsFrom = async (primary: PgInstance, standby: string): Promise<boolean> =>
  (await primary.sql(`SELECT count(*) FROM pg_stat_replication WHERE application_name = '${standby}' AND state = 'streaming'`)) === '1';

it('prepare on the node without the group starts a standby that streams from whichever peer accepts writes', async () => {
  await b.stop('fast');
  const out = await executePlan(preparePlan(group(b)), group(b), executor('b'));
  assert.equal(out.verdict, 'done', out.sentence);
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 't');
  const conninfo = await b.sql('SHOW primary_conninfo');
  assert.match(conninfo, new RegExp(`host=${a.socketDir} port=${a.port} .*target_session_attrs=read-write user=postgres application_name=b`));
  await waitFor('b streaming from a', () => streamsFrom(a, 'b'), 30_000);
});

it('monitor: promoted where held, a standby elsewhere', async () => {
  const held = await executePlan(monitorPlan(group(a), true, 10_000), group(a), executor('a'));
  assert.equal(judgeMonitor('g', held.runs).healthy, true, held.sentence);
  const other = await executePlan(monitorPlan(group(b), false, 10_000), group(b), executor('b'));
  assert.equal(judgeMonitor('g', other.runs).healthy, true, other.sentence);
  const wrong = await executePlan(monitorPlan(group(b), true, 10_000), group(b), executor('b'));
  const v = judgeMonitor('g', wrong.runs);
  assert.equal(v.healthy, false, 'a standby where the group should be held is a failure');
});

it('release (demote) on a, take (promote) on b: a follows b by itself, every row survives', async () => {
  await a.sql('CREATE TABLE m (id int)');
  await a.sql('INSERT INTO m SELECT generate_series(1, 300)');
  const release = await executePlan(releasePlan(group(a)), group(a), executor('a'));
  assert.equal(release.verdict, 'done', release.sentence);
  assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't', 'demoted, not stopped');
  assert.match(await a.sql('SHOW primary_conninfo'), new RegExp(`host=${b.socketDir} port=${b.port} .*target_session_attrs=read-write`));
  const started = performance.now();
  const take = await executePlan(takePlan(group(b), { node: 'b', nodes: ['a', 'b'] }), group(b), executor('b'));
  assert.equal(take.verdict, 'done', take.sentence);
  assert.deepEqual(take.runs.map((r) => r.step.action), ['start', 'notify', 'promote', 'notify']);
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 'f');
  assert.equal(await b.sql('SELECT count(*) FROM m'), '300');
  await b.sql('INSERT INTO m SELECT generate_series(301, 400)');
  // Nobody touches a after its demotion: its WAL receiver finds the new primary among its hosts.
  await waitFor('a to follow b', () => streamsFrom(b, 'a'), 60_000);
  console.log(`# a streams from b ${Math.round(performance.now() - started)} ms after the take began (WAL receiver retries every wal_retrieve_retry_interval, 5 s)`);
  await waitFor('a to have every row', async () => (await a.sql('SELECT count(*) FROM m')) === '400', 30_000);
});

it('a take the agent refuses (a primary runs on the peer) is handed over, and the standby keeps running', async () => {
  const fail: ResourceSpec = { kind: 'v1', name: 'never-started', args: [], text: 'never-started' };
  const g = group(a, fail);
  const out = await executePlan(takePlan(g, { node: 'a', nodes: ['a', 'b'] }), g, executor('a'));
  assert.equal(out.verdict, 'hand-over', out.sentence);
  assert.equal(out.failed?.step.action, 'promote');
  assert.match(out.sentence, /Refusing to promote a/);
  assert.deepEqual(out.giveUp?.runs.map((r) => r.step.what), ['demote postgresql_' + a.dataDir.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_')]);
  assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 'f');
});

it('a crashed primary postmaster: the probe notices, restartNow stops, starts and promotes it again in place', async () => {
  const g = group(b);
  const resources = createGroupResources({
    runner: executor('b').runner, cluster: { node: 'b', nodes: ['a', 'b'] }, timeoutsMs: TIMEOUTS, monitorIntervalMs: 10_000, maxRestarts: 1, retryDelayMs: 200,
    onRun: executor('b').onRun,
  });
  let crashed: (() => void) | undefined;
  const noticed = new Promise<number>((resolve) => { crashed = () => resolve(performance.now()); });
  const probe = startPgProbe({
    pgdata: b.dataDir, target: { host: b.socketDir, port: b.port, user: PG_USER, connectTimeoutMs: 2_000, statementTimeoutMs: 2_000 },
    osUser: PG_USER, queryIntervalMs: 500, onPostmasterChange: (st) => { if (st === 'crashed') crashed?.(); },
  });
  try {
    await waitFor('the probe to see b as primary', async () => (await probe.refresh()).role === 'primary', 10_000);
    const pid = probe.snapshot().pid!;
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const seenAt = await noticed;
    // PostgreSQL's lock-file check (kill(pid, 0)) sees the dead postmaster until its parent reaps it.
    await waitFor(`b's postmaster ${pid} to be reaped`, () => !existsSync(`/proc/${pid}`), 15_000);
    const reapedAt = performance.now();
    const out = await resources.restartNow(g, 0, true, `the postmaster (pid ${pid}) crashed`);
    const doneAt = performance.now();
    console.log(`# crash noticed after ${Math.round(seenAt - killedAt)} ms, reaped after ${Math.round(reapedAt - killedAt)} ms; restarted in place and promoted ${Math.round(doneAt - killedAt)} ms after the kill (the restart itself: ${Math.round(doneAt - reapedAt)} ms)`);
    assert.equal(out.result, 'restarted', out.sentence);
    assert.deepEqual(out.restart?.runs.map((r) => r.step.action), ['stop', 'start', 'notify', 'promote', 'notify']);
    assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 'f');
    assert.equal(await b.sql('SELECT count(*) FROM m'), '400');
    await waitFor('the probe to see b as primary again', async () => (await probe.refresh()).role === 'primary', 10_000);
    // The limit (1) is spent: the next failure is a fail-over.
    assert.equal((await resources.restartNow(g, 0, true, 'crashed again')).result, 'fail-over');
  } finally {
    await probe.close();
  }
});
