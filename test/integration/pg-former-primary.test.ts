// The former-primary record on real servers: a promotable start of a cleanly shut down primary
// records it, so with sync_mode=fallback and an unreachable peer that node may still be promoted
// (it holds every commit of its timeline); the record is spent by the promotion, and a start from
// any other state (here a standby's clean shutdown) forgets it, so the same promote is refused.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let pg: PgInstance;
let stateDir: string;
let nowhere: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  pg = await createPrimary({ name: 'fp', settings: { wal_log_hints: 'on' } });
  await pg.sql('CREATE TABLE fp_t AS SELECT 1 AS x');
  await pg.stop('fast');
  nowhere = join(pg.baseDir, 'no-primary-here');
  mkdirSync(nowhere);
});

after(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

const call = (action: string) =>
  callAgent(AGENT, action, {
    pgdata: pg.dataDir, pghost: pg.socketDir, pgport: String(pg.port), node_name: 'fp', mode: 'promotable', repuser: 'postgres',
    primary_host: nowhere, primary_port: String(pg.port), peers: `other=${nowhere}:${pg.port}`, sync_mode: 'fallback', replication_slots: 'false',
  }, { extraEnv: { HA_RSCTMP: stateDir } });
const record = (): string[] => readdirSync(stateDir).filter((f) => f.endsWith('-former-primary.json'));

it('a cleanly shut down primary started as a standby may be promoted with its peer unreachable; the record is then spent', async () => {
  const start = call('start');
  assert.equal(start.code, 0, `${start.stdout}\n${start.stderr}`);
  assert.equal(record().length, 1, 'the start recorded the former primary');
  assert.equal(await pg.sql('SELECT pg_is_in_recovery()'), 't');
  const promote = call('promote');
  assert.equal(promote.code, 0, `${promote.stdout}\n${promote.stderr}`);
  assert.match(promote.stderr, /it was the primary of this timeline/);
  assert.equal(await pg.sql('SELECT count(*) FROM fp_t'), '1');
  assert.deepEqual(record(), [], 'a promotion spends the record');
});

it('after a start from another state the record is gone and the same promotion is refused', async () => {
  assert.equal(call('demote').code, 0, 'demote: a clean shutdown, then a standby');
  assert.equal(call('stop').code, 0, 'stop: the standby shuts down ("shut down in recovery")');
  assert.equal((await pg.controlData()).state, 'shut down in recovery');
  assert.equal(call('start').code, 0);
  assert.deepEqual(record(), []);
  const promote = call('promote');
  assert.equal(promote.code, 1, `${promote.stdout}\n${promote.stderr}`);
  assert.match(promote.reason ?? '', /not known to be a synchronous standby/);
  assert.equal(await pg.sql('SELECT pg_is_in_recovery()'), 't');
});
