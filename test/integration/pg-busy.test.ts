// A busy primary is not a dead primary (issue 7, rule 4): with sync_mode=strict and no standby, every
// commit waits and clients fill max_connections. The agent connects as the superuser over the socket,
// so superuser_reserved_connections keeps a slot for it; when even those are taken, monitor still
// reports the running role (from the control file, with a warning), never 7 or 1, and demote works.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { openClient } from '../../lib/pg/io/client.ts';
import { cleanupAllPg, createPrimary, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
const MAX = 10;
const RESERVED = 3;
let pg: PgInstance;
let stateDir: string;
let nowhere: string;
const clients: Client[] = [];
const waiting: Promise<unknown>[] = [];

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  pg = await createPrimary({ name: 'busy', settings: { max_connections: String(MAX), superuser_reserved_connections: String(RESERVED) } });
  await pg.sql('CREATE ROLE app LOGIN; CREATE TABLE busy_t (x int); GRANT INSERT ON busy_t TO app');
  // strict with no standby: every commit waits for a standby that is not there.
  await pg.sql("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (other)'");
  await pg.sql('SELECT pg_reload_conf()');
  nowhere = join(pg.baseDir, 'no-peer-here');
  mkdirSync(nowhere);
});

after(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await Promise.allSettled(waiting);
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

const connect = (user: string): Promise<Client> =>
  openClient({ host: pg.socketDir, port: pg.port, user, connectTimeoutMs: 5_000, statementTimeoutMs: 0 });

const call = (action: string, mode = 'promotable') =>
  callAgent(AGENT, action, {
    pgdata: pg.dataDir, pghost: pg.socketDir, pgport: String(pg.port), node_name: 'busy', mode, repuser: 'postgres',
    primary_host: nowhere, primary_port: String(pg.port), peers: `other=${nowhere}:${pg.port}`, sync_mode: 'strict',
    replication_slots: 'false', ...(action === 'monitor' ? { CRM_meta_interval: '15000' } : {}),
  }, { extraEnv: { HA_RSCTMP: stateDir } });

it('clients fill every slot but the reserved ones, their commits waiting: monitor connects in a reserved slot (8)', async () => {
  for (let n = 0; n < MAX - RESERVED; n++) {
    const c = await connect('app');
    clients.push(c);
    waiting.push(c.query('INSERT INTO busy_t VALUES (1)').catch(() => undefined));
  }
  await waitFor('the commits to wait for the synchronous standby', async () =>
    Number(await pg.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) === MAX - RESERVED);
  await assert.rejects(connect('app'), /reserved/, 'a client gets no further slot');
  const r = call('monitor');
  assert.equal(r.code, 8, r.stderr);
  assert.doesNotMatch(r.stderr, /too many clients/);
});

it('with the reserved slots taken too, monitor says the primary runs (8, primitive 0) and warns; it is never 7 or 1', async () => {
  for (let n = 0; n < RESERVED; n++) clients.push(await connect('postgres'));
  await assert.rejects(connect('postgres'), /too many clients/, 'the server is full');
  const r = call('monitor');
  assert.equal(r.code, 8, r.stderr);
  assert.match(r.stderr, /WARN.*refused the agent's connection.*too many clients/);
  assert.equal(call('monitor', 'primitive').code, 0);
});

it('demote on the full primary shuts it down and brings it back as a standby', async () => {
  const started = Date.now();
  const r = call('demote');
  assert.equal(r.code, 0, r.stderr);
  console.log(`demote of a full primary: ${Date.now() - started} ms`);
  assert.equal(await pg.sql('SELECT pg_is_in_recovery()'), 't');
  assert.equal(call('monitor').code, 0, 'a standby now');
});
