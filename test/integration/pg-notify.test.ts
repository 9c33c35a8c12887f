// Post-promote notification: a standby re-points primary_conninfo at the promoted node and streams
// from it without a restart.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let a: PgInstance;
let b: PgInstance;
let c: PgInstance;
let stateDir: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  a = await createPrimary({ name: 'a' });
  b = await createStandby(a, { name: 'b' });
  c = await createStandby(a, { name: 'c' });
  await waitFor('b and c streaming from a', async () => (await a.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === '2');
});

after(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

const params = (self: PgInstance, others: PgInstance[]) => ({
  pgdata: self.dataDir,
  pghost: self.socketDir,
  pgport: String(self.port),
  node_name: self.name,
  primary_host: a.socketDir,
  primary_port: String(a.port),
  peers: others.map((o) => `${o.name}=${o.socketDir}:${o.port}`).join(','),
  repuser: 'postgres',
  mode: 'promotable',
  // The old primary is gone and nobody recorded who was synchronous: only an async setup may promote.
  sync_mode: 'off',
});

it('after a promotion elsewhere, post-promote notify points the standby at the new primary', async () => {
  await a.sql('CREATE TABLE t (id int)');
  await waitFor('c has the table', async () => (await c.sql("SELECT count(*) FROM pg_class WHERE relname = 't'")) === '1');
  await a.stop('fast');
  const promote = callAgent(AGENT, 'promote', params(b, [a, c]), { extraEnv: { HA_RSCTMP: stateDir }, timeoutMs: 60_000 });
  assert.equal(promote.code, 0, promote.stderr);
  const notify = callAgent(AGENT, 'notify', {
    ...params(c, [a, b]),
    CRM_meta_notify_type: 'post',
    CRM_meta_notify_operation: 'promote',
    CRM_meta_notify_promote_uname: 'b',
  }, { extraEnv: { HA_RSCTMP: stateDir } });
  assert.equal(notify.code, 0, notify.stderr);
  assert.match(notify.stderr, /now streaming from b/);
  assert.match(await c.sql('SHOW primary_conninfo'), new RegExp(`port=${b.port}`));
  await waitFor('c streams from b', async () =>
    (await b.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'c' AND state = 'streaming'")) === '1', 60_000);
  await b.sql('INSERT INTO t VALUES (42)');
  await waitFor('c replays the write made on b', async () => (await c.sql('SELECT count(*) FROM t WHERE id = 42')) === '1', 30_000);
});

it('notify with no notification variables (as ocf-tester sends it) succeeds and changes nothing', async () => {
  const before = await c.sql('SHOW primary_conninfo');
  const r = callAgent(AGENT, 'notify', params(c, [a, b]), { extraEnv: { HA_RSCTMP: stateDir } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await c.sql('SHOW primary_conninfo'), before);
});
