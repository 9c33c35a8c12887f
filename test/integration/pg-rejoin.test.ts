// A diverged old primary rejoins as a standby: first a report of the transactions it discards, then
// pg_rewind; when rewind cannot run, a re-clone with the old directory kept aside; else a refusal.
// A crashed old primary that did not diverge follows as it is. A stale primary never starts as primary.
import { afterEach, before, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
const INSTANCE = 'pgrejoin';
/** HA_RSCTMP and report_dir at once (traversable by postgres, which appends the server log there). */
let stateDir: string;

const reportsDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  chmodSync(dir, 0o755);
  return dir;
};

before(() => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
});
afterEach(async () => {
  await cleanupAllPg();
  rmSync(stateDir, { recursive: true, force: true });
});

// This sandbox's PID 1 reaps orphans late: PostgreSQL's lock-file check counts a zombie postmaster as running.
const crash = async (p: PgInstance): Promise<void> => {
  const pid = await p.kill9();
  await waitFor(`the killed postmaster ${pid} to be reaped`, () => !existsSync(`/proc/${pid}`), 30_000);
};

const firstNumber = (psqlOutput: string): string => psqlOutput.split('\n').filter((l) => /^\d+$/.test(l))[0]!;

interface Pair {
  a: PgInstance;
  b: PgInstance;
  /** xids of the transactions committed on a after b's promotion. */
  lostXids: string[];
}

/**
 * A primary `a` (with a non-superuser replication role `rep`) and a streaming standby `b`; b is
 * promoted and gets 50 rows; a commits `orphans` transactions after the fork (a partition), then
 * stops cleanly or crashes.
 */
const diverged = async (o: { settings?: Record<string, string>; orphans?: number; crash?: boolean } = {}): Promise<Pair> => {
  stateDir = reportsDir();
  const a = await createPrimary({ name: 'a', settings: o.settings ?? {} });
  await a.sql('CREATE ROLE rep LOGIN REPLICATION');
  await a.sql('CREATE TABLE t (id int primary key, side text)');
  await a.sql("INSERT INTO t SELECT g, 'common' FROM generate_series(1, 10) g");
  const b = await createStandby(a, { name: 'b' });
  await waitFor('b has the common rows', async () => (await b.sql('SELECT count(*) FROM t')) === '10');
  const promoted = await b.ctl.promote({ timeoutMs: 30_000 });
  assert.equal(promoted.failed, false);
  await waitFor('b is primary', async () => (await b.sql('SELECT pg_is_in_recovery()')) === 'f');
  await b.sql("INSERT INTO t SELECT g, 'new primary' FROM generate_series(11, 60) g");
  const lostXids: string[] = [];
  for (let k = 0; k < (o.orphans ?? 3); k++) {
    lostXids.push(firstNumber(await a.sql(`BEGIN; INSERT INTO t VALUES (${1000 + k}, 'orphan'); SELECT txid_current(); COMMIT;`)));
  }
  if (o.crash) await crash(a);
  else await a.stop('fast');
  return { a, b, lostXids };
};

const params = (a: PgInstance, b: PgInstance, extra: Record<string, string> = {}): Record<string, string> => ({
  pgdata: a.dataDir, pghost: a.socketDir, pgport: String(a.port), node_name: 'a', mode: 'promotable',
  primary_host: b.socketDir, primary_port: String(b.port), peers: `b=${b.socketDir}:${b.port}`,
  repuser: 'postgres', replication_slots: 'false', report_dir: stateDir, ...extra,
});

const callA = (action: string, a: PgInstance, b: PgInstance, extra: Record<string, string> = {}) =>
  callAgent(AGENT, action, params(a, b, extra), { extraEnv: { HA_RSCTMP: stateDir, OCF_RESOURCE_INSTANCE: INSTANCE }, timeoutMs: 180_000 });

const startA = (a: PgInstance, b: PgInstance, extra: Record<string, string> = {}) => callA('start', a, b, extra);

const reports = (): string[] => readdirSync(stateDir).filter((f) => f.startsWith(`pgbeat-postgresql-${INSTANCE}-discarded-`) && f.endsWith('.txt'));

/** The report's committed xids, in WAL order. */
const committedIn = (report: string): string[] => [...report.matchAll(/^xid=(\d+) outcome=committed /gm)].map((m) => m[1]!);

const asideDirs = (a: PgInstance): string[] => readdirSync(dirname(a.dataDir)).filter((f) => f.startsWith('data.pgbeat-old-'));

const streamsFromB = async (a: PgInstance, b: PgInstance): Promise<void> => {
  await waitFor('a streams from b', async () =>
    (await b.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'a' AND state = 'streaming'")) === '1', 60_000);
  await waitFor('a has every row written on b', async () => (await a.sql("SELECT count(*) FROM t WHERE side <> 'orphan'")) === '60', 30_000);
  assert.equal(await a.sql("SELECT count(*) FROM t WHERE side = 'orphan'"), '0');
  assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
};

const rewindMs = (t: TestContext, stderr: string): void => {
  const ms = /pg_rewind of .* done in (\d+) ms/.exec(stderr)?.[1];
  assert.ok(ms, 'the log says how long pg_rewind took');
  t.diagnostic(`pg_rewind took ${ms} ms`);
};

it('a diverged old primary is rewound after a report of the transactions it discards', async (t) => {
  const { a, b, lostXids } = await diverged();
  const filenode = await b.sql("SELECT pg_relation_filenode('t')");
  const started = Date.now();
  const r = startA(a, b);
  t.diagnostic(r.stderr);
  assert.equal(r.code, 0, r.stderr);
  t.diagnostic(`start (rejoin + standby start) took ${Date.now() - started} ms`);
  rewindMs(t, r.stderr);
  assert.match(r.stderr, /pg_rewind discards 3 committed transaction\(s\) \(3 in all\)/);
  assert.equal(reports().length, 1);
  const report = readFileSync(join(stateDir, reports()[0]!), 'utf8');
  assert.deepEqual(committedIn(report), lostXids, 'the report lists exactly the transactions committed on a after the fork');
  assert.match(report, /^# transactions: 3 \(3 committed, 0 aborted, 0 prepared, 0 in progress\)$/m);
  assert.match(report, new RegExp(`relations=1663/5/${filenode} `), 'the table they changed');
  assert.match(report, new RegExp(`# new primary: .*:${b.port}\\) on timeline 2`));
  assert.match(report, /time="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  await streamsFromB(a, b);
});

it('a diverged old primary that crashed (kill -9) is read to its real end with pg_waldump, reported and rewound', async (t) => {
  const { a, b, lostXids } = await diverged({ orphans: 2, crash: true });
  const r = startA(a, b);
  assert.equal(r.code, 0, r.stderr);
  rewindMs(t, r.stderr);
  assert.match(r.stderr, /our end: pg_waldump: last record on timeline 1 at .* \(in production\)/);
  assert.match(r.stderr, /pg_rewind discards 2 committed transaction\(s\)/);
  assert.deepEqual(committedIn(readFileSync(join(stateDir, reports()[0]!), 'utf8')), lostXids);
  await streamsFromB(a, b);
});

it('a crashed old primary that did not diverge follows the new primary without a rewind', async () => {
  stateDir = reportsDir();
  const a = await createPrimary({ name: 'a' });
  await a.sql('CREATE TABLE t (id int primary key, side text)');
  await a.sql("INSERT INTO t SELECT g, 'common' FROM generate_series(1, 10) g");
  const b = await createStandby(a, { name: 'b' });
  // Everything a wrote has reached b when a dies: b's timeline forks at a's end of WAL.
  const end = await a.sql('SELECT pg_current_wal_insert_lsn()');
  await waitFor('b received all of a\'s WAL', async () => (await b.sql(`SELECT pg_last_wal_receive_lsn() >= '${end}'`)) === 't');
  await crash(a);
  assert.equal((await a.controlData()).state, 'in production');
  assert.equal((await b.ctl.promote({ timeoutMs: 30_000 })).failed, false);
  await waitFor('b is primary', async () => (await b.sql('SELECT pg_is_in_recovery()')) === 'f');
  await b.sql("INSERT INTO t SELECT g, 'new primary' FROM generate_series(11, 60) g");
  const r = startA(a, b);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /rejoin primary_host \(timeline 2\): follow: timeline 2 forked from our timeline 1 at .*: we are behind the fork and can follow \[our end: pg_waldump/);
  assert.doesNotMatch(r.stderr, /pg_rewind|Rebuilding/);
  assert.deepEqual(reports(), []);
  await streamsFromB(a, b);
});

it('when pg_rewind cannot run (wal_log_hints off, no checksums) and rebuild is on, the old directory is renamed aside and a fresh standby is cloned', async () => {
  const { a, b, lostXids } = await diverged({ settings: { wal_log_hints: 'off' } });
  const control = readFileSync(join(a.dataDir, 'global', 'pg_control'));
  const r = startA(a, b, { rebuild: 'true' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Rebuilding .*pg_rewind cannot run: neither wal_log_hints nor data checksums.*kept as /);
  assert.match(r.stderr, /a re-clone discards 3 committed transaction\(s\)/);
  assert.deepEqual(committedIn(readFileSync(join(stateDir, reports()[0]!), 'utf8')), lostXids);
  const aside = asideDirs(a);
  assert.equal(aside.length, 1, 'the old data directory still exists, renamed');
  assert.deepEqual(readFileSync(join(dirname(a.dataDir), aside[0]!, 'global', 'pg_control')), control, 'with the old data, unchanged');
  await streamsFromB(a, b);
});

it('when pg_rewind itself fails (a replication user without the rewind grants) and rebuild is on, the node is re-cloned', async () => {
  const { a, b } = await diverged();
  const r = startA(a, b, { repuser: 'rep', rebuild: 'true' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /pg_rewind of .* failed: dry run: .*permission denied for function/);
  assert.match(r.stderr, /Rebuilding .*pg_rewind failed/);
  assert.equal(asideDirs(a).length, 1);
  assert.ok(existsSync(join(dirname(a.dataDir), asideDirs(a)[0]!, 'PG_VERSION')));
  await streamsFromB(a, b);
});

it('a replication user rewinds with the grants the README lists; without them and without rebuild, start refuses and changes nothing', async (t) => {
  const { a, b, lostXids } = await diverged();
  const control = readFileSync(join(a.dataDir, 'global', 'pg_control'));
  const denied = startA(a, b, { repuser: 'rep' });
  t.diagnostic(denied.stderr);
  assert.equal(denied.code, 1);
  assert.match(denied.reason ?? '', /Cannot rejoin .* as a standby of primary_host .*: pg_rewind failed \(dry run: .*permission denied.*\) and rebuild is off; the data directory is unchanged/);
  assert.deepEqual(readFileSync(join(a.dataDir, 'global', 'pg_control')), control);
  for (const grant of [
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO rep',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO rep',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO rep',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO rep',
    'GRANT pg_checkpoint TO rep',
  ]) await b.sql(grant);
  const r = startA(a, b, { repuser: 'rep' });
  t.diagnostic(r.stderr);
  assert.equal(r.code, 0, r.stderr);
  rewindMs(t, r.stderr);
  assert.equal(reports().length, 2, 'each attempt writes its report before acting');
  assert.deepEqual(committedIn(readFileSync(join(stateDir, reports().sort()[1]!), 'utf8')), lostXids);
  await streamsFromB(a, b);
});

it('when pg_rewind cannot run and rebuild is off, start fails with one reason and the data directory is untouched', async () => {
  const { a, b } = await diverged({ settings: { wal_log_hints: 'off' } });
  const before = readFileSync(join(a.dataDir, 'global', 'pg_control'));
  // validate-all (run before start) already says what to change.
  const r = startA(a, b);
  assert.equal(r.code, 2);
  assert.match(r.reason ?? '', /rewind=true but neither wal_log_hints nor data checksums are on/);
  // With the up-front check waived (rewind=false), the rejoin itself refuses: nothing may rewind or re-clone.
  const r2 = startA(a, b, { rewind: 'false' });
  assert.equal(r2.code, 1);
  assert.match(r2.reason ?? '', /Cannot rejoin .*: timeline 2 forked from our timeline 1 at .*we wrote WAL after the fork; rewind is off and rebuild is off/);
  assert.equal(r2.reason?.includes('\n'), false);
  // A rewind that began and never finished (the agent was killed mid-way) blocks the directory.
  writeFileSync(join(stateDir, `pgbeat-postgresql-${INSTANCE}-rewind-unfinished`), `pg_rewind of ${a.dataDir} from b began at 2026-11-24T00:00:00.000Z\n`);
  const r3 = startA(a, b, { rewind: 'false' });
  assert.equal(r3.code, 1);
  assert.match(r3.reason ?? '', /did not finish\) after it began changing the data directory, which must not be started as it is/);
  assert.deepEqual(readFileSync(join(a.dataDir, 'global', 'pg_control')), before);
  assert.equal(readdirSync(dirname(a.dataDir)).filter((f) => f.includes('pgbeat-old')).length, 0);
  assert.deepEqual(reports(), [], 'nothing was discarded, so no report');
});

it('a primitive start of a stale primary is refused while its peer is primary, or a standby on a newer timeline', async () => {
  const { a, b } = await diverged({ orphans: 0 });
  const primitive = { mode: 'primitive', archive_dir: '' };
  const r = startA(a, b, primitive);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.reason ?? '', /^Refusing to start a as primary: peer b is already a running primary on timeline 2 \(we are on 1\)$/);
  assert.equal(existsSync(join(a.dataDir, 'postmaster.pid')), false, 'a did not start');
  // b, now a standby with nobody to follow, is still on the newer timeline.
  await b.stop('fast');
  writeFileSync(join(b.dataDir, 'standby.signal'), '');
  await b.start();
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 't');
  const r2 = startA(a, b, primitive);
  assert.equal(r2.code, 1, r2.stderr);
  assert.match(r2.reason ?? '', /^Refusing to start a as primary: peer b is on timeline 2, newer than our timeline 1: it was promoted after us$/);
  assert.equal(existsSync(join(a.dataDir, 'postmaster.pid')), false, 'a did not start');
});

/** Turns the stopped, diverged `a` into a standby of b that cannot follow b's timeline (what a start with no primary to check against leaves). */
const stuckStandby = async (a: PgInstance, b: PgInstance): Promise<void> => {
  writeFileSync(join(a.dataDir, 'standby.signal'), '');
  writeFileSync(join(a.dataDir, 'postgresql.auto.conf'),
    `${readFileSync(join(a.dataDir, 'postgresql.auto.conf'), 'utf8')}primary_conninfo = 'host=${b.socketDir} port=${b.port} user=postgres application_name=a'\n`);
  await a.start();
  await waitFor('a to fail to follow b', async () => (await a.sql("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")) === '0', 10_000);
};

it('a promotable standby that cannot follow the running primary fails its monitor after the stall window; stop and start rejoin it', async () => {
  const { a, b, lostXids } = await diverged();
  await stuckStandby(a, b);
  const monitor = () => callA('monitor', a, b, { CRM_meta_interval: '1000' });
  const first = monitor();
  assert.equal(first.code, 0, `the first monitor starts the count: ${first.stderr}`);
  await new Promise((r) => setTimeout(r, 15_500));
  const later = monitor();
  assert.equal(later.code, 1, later.stderr);
  assert.match(later.reason ?? '', /has not streamed since .* although primary_host .* runs as primary on timeline 2: a restart rejoins it/);
  assert.equal(callA('stop', a, b).code, 0);
  const start = callA('start', a, b);
  assert.equal(start.code, 0, start.stderr);
  await streamsFromB(a, b);
  assert.deepEqual(committedIn(readFileSync(join(stateDir, reports()[0]!), 'utf8')), lostXids);
  assert.equal(monitor().code, 0, 'streaming again: healthy');
});

it('primitive stop on a diverged standby that cannot stream (started with no primary to check) rejoins it by rewind, with a report', async () => {
  const { a, b, lostXids } = await diverged();
  await stuckStandby(a, b);
  const stop = callA('stop', a, b, { mode: 'primitive' });
  assert.equal(stop.code, 0, `${stop.stdout}\n${stop.stderr}`);
  assert.match(stop.stderr, /the standby does not stream .* rejoining it/);
  await streamsFromB(a, b);
  const [file] = reports();
  assert.ok(file, 'a report of the discarded transactions was written');
  assert.deepEqual(committedIn(readFileSync(join(stateDir, file), 'utf8')), lostXids);
  const again = callA('stop', a, b, { mode: 'primitive' });
  assert.equal(again.code, 0);
  assert.doesNotMatch(again.stderr, /rejoining it/, 'a streaming standby is left alone');
});
