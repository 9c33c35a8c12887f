// What monitor reports for each state of a real instance, in promotable mode: 8 primary, 0 standby,
// 7 cleanly stopped, 9 crashed primary, 1 crashed standby; and stop on a crashed instance is 0.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStreamingPair, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let p: PgInstance;
let s: PgInstance;
let stateDir: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  [p, s] = await createStreamingPair('p', 's');
});

after(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

const monitor = (i: PgInstance, probe = false) =>
  callAgent(AGENT, 'monitor', {
    pgdata: i.dataDir, pghost: i.socketDir, pgport: String(i.port), mode: 'promotable', repuser: 'postgres',
    primary_host: p.socketDir, primary_port: String(p.port), ...(probe ? {} : { CRM_meta_interval: '15000' }),
  }, { extraEnv: { HA_RSCTMP: stateDir } });
const stop = (i: PgInstance) =>
  callAgent(AGENT, 'stop', { pgdata: i.dataDir, pghost: i.socketDir, pgport: String(i.port), mode: 'promotable' }, { extraEnv: { HA_RSCTMP: stateDir } });

it('monitor and probe: 8 on the primary, 0 on the standby', () => {
  assert.equal(monitor(p).code, 8);
  assert.equal(monitor(p, true).code, 8, 'a probe reports the promoted role too');
  assert.equal(monitor(s).code, 0);
  assert.equal(monitor(s, true).code, 0);
});

it('a standby\'s monitor records its received and replayed positions and its WAL receiver in the state file', async () => {
  // A WAL receiver reports positions once the primary has sent it something.
  await p.sql('CREATE TABLE roles_state_t ()');
  await waitFor('the standby to hear from the primary', async () => (await s.sql('SELECT latest_end_lsn IS NOT NULL FROM pg_stat_wal_receiver')) === 't');
  assert.equal(monitor(s).code, 0);
  const files = readdirSync(stateDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(stateDir, f), 'utf8')) as Record<string, unknown>);
  const st = files.find((x) => x['role'] === 'standby');
  assert.ok(st, `a standby state file among ${files.length}`);
  assert.match(String(st['receive_lsn']), /^[0-9A-F]+\/[0-9A-F]+$/);
  assert.match(String(st['replay_lsn']), /^[0-9A-F]+\/[0-9A-F]+$/);
  assert.equal(typeof st['replay_backlog_bytes'], 'number');
  assert.equal((st['wal_receiver'] as Record<string, unknown>)['status'], 'streaming');
  assert.match(String((st['wal_receiver'] as Record<string, unknown>)['latestEndLsn']), /^[0-9A-F]+\/[0-9A-F]+$/);
});

it('OCF_CHECK_LEVEL=10 adds a write check on the primary; a primary that cannot write is 9', async () => {
  const deep = (i: PgInstance) => callAgent(AGENT, 'monitor', {
    pgdata: i.dataDir, pghost: i.socketDir, pgport: String(i.port), mode: 'promotable', repuser: 'postgres',
    primary_host: p.socketDir, primary_port: String(p.port), CRM_meta_interval: '15000',
  }, { extraEnv: { HA_RSCTMP: stateDir, OCF_CHECK_LEVEL: '10' } });
  assert.equal(deep(p).code, 8);
  assert.equal(deep(s).code, 0);
  await p.sql('ALTER SYSTEM SET default_transaction_read_only = on');
  await p.sql('SELECT pg_reload_conf()');
  await waitFor('read-only in force', async () => (await p.sql('SHOW default_transaction_read_only')) === 'on');
  const r = deep(p);
  assert.equal(r.code, 9, r.stderr);
  assert.match(r.reason ?? '', /accepts connections but not writes/);
  assert.equal(monitor(p).code, 8, 'level 0 does not write');
  await p.sql('ALTER SYSTEM RESET default_transaction_read_only');
  await p.sql('SELECT pg_reload_conf()');
});

it('a crashed standby is 1 with a reason; stop on it is 0', async () => {
  await s.kill9();
  const r = monitor(s);
  assert.equal(r.code, 1);
  assert.match(r.reason ?? '', /archive recovery|crash/i);
  assert.equal(stop(s).code, 0);
});

it('a crashed primary (kill -9: "in production", no postmaster) is 9; stop on it is 0', async () => {
  await p.kill9();
  const r = monitor(p);
  assert.equal(r.code, 9, r.stderr);
  assert.match(r.reason ?? '', /in production/);
  assert.equal(monitor(p, true).code, 9, 'a probe of a crashed primary says 9 as well');
  assert.equal(stop(p).code, 0);
});

it('a cleanly stopped instance is 7 and stop stays 0', async () => {
  // A fresh instance: this sandbox's PID 1 may leave the killed postmasters above as zombies, which
  // PostgreSQL's own lock-file check still counts as running.
  const q = await createPrimary({ name: 'q' });
  await q.stop('fast');
  assert.equal(monitor(q).code, 7);
  assert.equal(monitor(q, true).code, 7);
  assert.equal(stop(q).code, 0);
});
