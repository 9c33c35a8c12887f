// Managed synchronous replication against real servers: fallback clears the standby list when the
// last standby dies, so writes go on; strict keeps it, so writes wait; off leaves it alone.
import { afterEach, before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createStreamingPair, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let stateDir: string;

before(() => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
});
afterEach(async () => cleanupAllPg());
after(() => rmSync(stateDir, { recursive: true, force: true }));

const pair = (): Promise<[PgInstance, PgInstance]> => createStreamingPair('p', 's');

const monitor = (p: PgInstance, syncMode: string) =>
  callAgent(AGENT, 'monitor', {
    pgdata: p.dataDir, pghost: p.socketDir, pgport: String(p.port), mode: 'promotable', repuser: 'postgres',
    primary_host: p.socketDir, primary_port: String(p.port), sync_mode: syncMode, CRM_meta_interval: '1000',
    node_name: 'p', OCF_RESOURCE_INSTANCE: 'pgsync',
  }, { extraEnv: { HA_RSCTMP: stateDir, OCF_RESOURCE_INSTANCE: 'pgsync' } });

/** Runs an INSERT with a client-side deadline; resolves to whether it committed in time. */
const writeWithin = async (p: PgInstance, ms: number): Promise<boolean> => {
  const session = await p.connect();
  try {
    await session.query(`SET statement_timeout = ${ms}`);
    await session.query('INSERT INTO w VALUES (1)');
    return true;
  } catch {
    return false;
  } finally {
    await session.close();
  }
};

it('fallback: the streaming standby is listed and synchronous; after it dies one monitor clears the list and writes go on', async () => {
  const [p, s] = await pair();
  await p.sql('CREATE TABLE w (x int)');
  const r = monitor(p, 'fallback');
  assert.equal(r.code, 8, r.stderr);
  assert.equal(await p.sql('SHOW synchronous_standby_names'), 'FIRST 1 ("s")');
  await waitFor('s is sync', async () => (await p.sql("SELECT sync_state FROM pg_stat_replication WHERE application_name = 's'")) === 'sync');
  const state = JSON.parse(readFileSync(join(stateDir, 'pgbeat-postgresql-pgsync.json'), 'utf8')) as { standbys: { name: string; replayLagBytes: number; replayLagS: number }[] };
  assert.deepEqual(state.standbys.map((x) => x.name), ['s'], 'the state file lists the standby');
  assert.equal(typeof state.standbys[0]!.replayLagBytes, 'number', 'with its lag in bytes');
  assert.equal(typeof state.standbys[0]!.replayLagS, 'number', 'and in seconds');
  await s.kill9();
  await waitFor('the primary notices the standby is gone', async () => (await p.sql('SELECT count(*) FROM pg_stat_replication')) === '0', 20_000);
  assert.equal(await writeWithin(p, 1_000), false, 'with the standby listed but gone, a write waits');
  const started = Date.now();
  assert.equal(monitor(p, 'fallback').code, 8);
  assert.equal(await p.sql('SHOW synchronous_standby_names'), '');
  assert.equal(await writeWithin(p, 5_000), true, 'after one monitor the write commits');
  assert.ok(Date.now() - started < 5_000);
});

it('strict: after the standby dies the list stays and writes wait', async () => {
  const [p, s] = await pair();
  await p.sql('CREATE TABLE w (x int)');
  assert.equal(monitor(p, 'strict').code, 8);
  assert.equal(await p.sql('SHOW synchronous_standby_names'), 'FIRST 1 ("s")');
  await s.kill9();
  await waitFor('the primary notices the standby is gone', async () => (await p.sql('SELECT count(*) FROM pg_stat_replication')) === '0', 20_000);
  assert.equal(monitor(p, 'strict').code, 8);
  assert.equal(await p.sql('SHOW synchronous_standby_names'), 'FIRST 1 ("s")');
  assert.equal(await writeWithin(p, 2_000), false, 'no commit is acknowledged by the primary alone');
});

it('off: a value the user set is left alone', async () => {
  const [p] = await pair();
  await p.sql(`ALTER SYSTEM SET synchronous_standby_names = 'someone_else'`);
  await p.sql('SELECT pg_reload_conf()');
  await waitFor('reloaded', async () => (await p.sql('SHOW synchronous_standby_names')) === 'someone_else');
  assert.equal(monitor(p, 'off').code, 8);
  assert.equal(await p.sql('SHOW synchronous_standby_names'), 'someone_else');
});
