// A planned switchover in promotable mode, as Pacemaker orders it: demote the primary (clean shutdown,
// back as a standby), promote the standby after its peer check, and the old primary follows the new
// timeline without a rewind. Every row survives; promote and demote are idempotent.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent, testReportDir } from '../helpers/agent.ts';
import { cleanupAllPg, createStreamingPair, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let a: PgInstance;
let b: PgInstance;
let stateDir: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  [a, b] = await createStreamingPair('a', 'b');
});

after(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

// On one host the "VIP" each node streams from is the other node's socket (the future primary).
const call = (self: PgInstance, other: PgInstance, action: string) =>
  callAgent(AGENT, action, {
    pgdata: self.dataDir, pghost: self.socketDir, pgport: String(self.port), node_name: self.name, mode: 'promotable',
    primary_host: other.socketDir, primary_port: String(other.port), peers: `${other.name}=${other.socketDir}:${other.port}`,
    repuser: 'postgres', replication_slots: 'false',
  }, { extraEnv: { HA_RSCTMP: stateDir }, timeoutMs: 120_000 });

it('switchover: demote a, promote b, a follows; all rows survive; no rewind needed', async () => {
  await a.sql('CREATE TABLE s (id int)');
  await a.sql('INSERT INTO s SELECT generate_series(1, 500)');
  assert.equal(call(a, b, 'monitor').code, 8);
  const demote = call(a, b, 'demote');
  assert.equal(demote.code, 0, demote.stderr);
  assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
  assert.equal(call(a, b, 'demote').code, 0, 'demote again is 0');
  const promote = call(b, a, 'promote');
  assert.equal(promote.code, 0, promote.stderr);
  assert.equal(call(b, a, 'promote').code, 0, 'promote again is 0');
  assert.equal(await b.sql('SELECT count(*) FROM s'), '500');
  await b.sql('INSERT INTO s SELECT generate_series(501, 600)');
  await waitFor('a follows b on the new timeline', async () =>
    (await b.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'a' AND state = 'streaming'")) === '1', 60_000);
  await waitFor('a has every row', async () => (await a.sql('SELECT count(*) FROM s')) === '600', 30_000);
  assert.equal(call(a, b, 'monitor').code, 0);
  assert.equal(call(b, a, 'monitor').code, 8);
  assert.equal(readdirSync(testReportDir()).filter((f) => f.includes('discarded')).length, 0, 'nothing was rewound');
});
