// A diverged old primary rejoins as a standby: first a report of the transactions it discards, then
// pg_rewind; when rewind cannot run, a re-clone with the old directory kept aside; else a refusal.
import { afterEach, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let stateDir: string;

before(() => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
});
afterEach(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});


/** A primary `a` with a streaming standby `b`, then b promoted while a keeps writing: a diverges. */
const diverged = async (settings: Record<string, string> = {}, checksums = false): Promise<{ a: PgInstance; b: PgInstance; lostXids: string[] }> => {
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  const a = await createPrimary({ name: 'a', settings, checksums });
  await a.sql('CREATE TABLE t (id int primary key, side text)');
  await a.sql("INSERT INTO t SELECT g, 'common' FROM generate_series(1, 10) g");
  const b = await createStandby(a, { name: 'b' });
  await waitFor('b has the common rows', async () => (await b.sql('SELECT count(*) FROM t')) === '10');
  const promoted = await b.ctl.promote({ timeoutMs: 30_000 });
  assert.equal(promoted.failed, false);
  await waitFor('b is primary', async () => (await b.sql('SELECT pg_is_in_recovery()')) === 'f');
  await b.sql("INSERT INTO t SELECT g, 'new primary' FROM generate_series(11, 60) g");
  const lostXids: string[] = [];
  for (let k = 0; k < 3; k++) {
    lostXids.push(await a.sql(`BEGIN; INSERT INTO t VALUES (${1000 + k}, 'orphan'); SELECT txid_current(); COMMIT;`));
  }
  await a.stop('fast');
  return { a, b, lostXids: lostXids.map((x) => x.split('\n').filter((l) => /^\d+$/.test(l))[0]!) };
};

const startA = (a: PgInstance, b: PgInstance, extra: Record<string, string> = {}) =>
  callAgent(AGENT, 'start', {
    pgdata: a.dataDir, pghost: a.socketDir, pgport: String(a.port), node_name: 'a', mode: 'promotable',
    primary_host: b.socketDir, primary_port: String(b.port), peers: `b=${b.socketDir}:${b.port}`,
    repuser: 'postgres', replication_slots: 'false', ...extra,
  }, { extraEnv: { HA_RSCTMP: stateDir, OCF_RESOURCE_INSTANCE: 'pgrejoin' }, timeoutMs: 180_000 });

it('a diverged old primary is rewound after a report of the transactions it discards', async () => {
  const { a, b, lostXids } = await diverged();
  const r = startA(a, b);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /discards 3 committed transaction\(s\)/);
  const reports = readdirSync(stateDir).filter((f) => f.includes('discarded'));
  assert.equal(reports.length, 1);
  const report = readFileSync(join(stateDir, reports[0]!), 'utf8');
  for (const xid of lostXids) assert.match(report, new RegExp(`xid=${xid} outcome=committed`), `report lists xid ${xid}`);
  assert.match(report, new RegExp(`# new primary: .*:${b.port}\\) on timeline 2`));
  await waitFor('a streams from b', async () =>
    (await b.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'a' AND state = 'streaming'")) === '1', 60_000);
  await waitFor('a has every row written on b', async () => (await a.sql("SELECT count(*) FROM t WHERE side <> 'orphan'")) === '60', 30_000);
  assert.equal(await a.sql("SELECT count(*) FROM t WHERE side = 'orphan'"), '0');
});

it('when pg_rewind cannot run and rebuild is on, the old directory is renamed aside and a fresh standby is cloned', async () => {
  const { a, b } = await diverged({ wal_log_hints: 'off' });
  const r = startA(a, b, { rebuild: 'true' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Rebuilding .*kept as /);
  const aside = readdirSync(dirname(a.dataDir)).filter((f) => f.startsWith('data.pgbeat-old-'));
  assert.equal(aside.length, 1, 'the old data directory still exists, renamed');
  assert.ok(existsSync(join(dirname(a.dataDir), aside[0]!, 'PG_VERSION')));
  await waitFor('the clone has every row of b', async () => (await a.sql('SELECT count(*) FROM t')) === '60', 60_000);
});

it('when pg_rewind cannot run and rebuild is off, start fails with one reason and the data directory is untouched', async () => {
  const { a, b } = await diverged({ wal_log_hints: 'off' });
  const before = readFileSync(join(a.dataDir, 'global', 'pg_control'));
  // validate-all (run before start) already says what to change.
  const r = startA(a, b);
  assert.equal(r.code, 2);
  assert.match(r.reason ?? '', /rewind=true but neither wal_log_hints nor data checksums are on/);
  // With the up-front check waived (rewind=false), the rejoin itself refuses: nothing may rewind or re-clone.
  const r2 = startA(a, b, { rewind: 'false' });
  assert.equal(r2.code, 1);
  assert.match(r2.reason ?? '', /Cannot rejoin .*rewind is off.*rebuild is off/);
  assert.deepEqual(readFileSync(join(a.dataDir, 'global', 'pg_control')), before);
  assert.equal(readdirSync(dirname(a.dataDir)).filter((f) => f.includes('pgbeat-old')).length, 0);
});
