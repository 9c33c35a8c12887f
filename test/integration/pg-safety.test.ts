// The safety rules of issue 7 on one real primary/standby pair, in order: a standby with no WAL
// receiver knows the timeline it replayed (promotion right after a switchover and right after a
// switch back); a peer that runs but refuses the login forbids a promotion; of two primaries on two
// timelines the newer one is never rewound (the primitive stop on each), the older one is, and its
// report and server log stay in report_dir, outside the data directory pg_rewind rewrites.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { openReplicationSession } from '../../lib/pg/io/peer.ts';
import { cleanupAllPg, createStreamingPair, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
const INSTANCE = 'pgsafety';
let a: PgInstance;
let b: PgInstance;
let base: string;

/** Each node's report_dir (made by the agent, owned by postgres), as on two machines. */
const reportDir = (n: PgInstance): string => join(base, `reports-${n.name}`);
const files = (n: PgInstance, part: string): string[] => (existsSync(reportDir(n)) ? readdirSync(reportDir(n)).filter((f) => f.includes(part)).sort() : []);
const serverLogOf = (n: PgInstance): string => join(reportDir(n), `pgbeat-postgresql-${INSTANCE}-server.log`);

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  base = mkdtempSync(join(tmpdir(), 'pgbeat-safety-'));
  chmodSync(base, 0o755);
  [a, b] = await createStreamingPair('a', 'b');
});

after(async () => {
  await cleanupAllPg();
  rmSync(base, { recursive: true, force: true });
});

// On one host the "VIP" each node streams from is the other node's socket.
const call = (self: PgInstance, other: PgInstance, action: string, extra: Record<string, string> = {}) =>
  callAgent(AGENT, action, {
    pgdata: self.dataDir, pghost: self.socketDir, pgport: String(self.port), node_name: self.name, mode: 'promotable',
    primary_host: other.socketDir, primary_port: String(other.port), peers: `${other.name}=${other.socketDir}:${other.port}`,
    repuser: 'postgres', replication_slots: 'false', report_dir: reportDir(self), ...extra,
  }, { extraEnv: { HA_RSCTMP: join(base, `state-${self.name}`), OCF_RESOURCE_INSTANCE: INSTANCE }, timeoutMs: 120_000 });

const streams = (primary: PgInstance, standby: PgInstance) =>
  waitFor(`${standby.name} streams from ${primary.name}`, async () =>
    (await primary.sql(`SELECT count(*) FROM pg_stat_replication WHERE application_name = '${standby.name}' AND state = 'streaming'`)) === '1', 60_000);

const acceptsWritesMs = (stderr: string): string | undefined => /accepts writes (\d+) ms after the promotion began/.exec(stderr)?.[1];

it('promotes right after a switchover and right after a switch back, though the standby has no WAL receiver and its last restartpoint is on an older timeline', async (t) => {
  await a.sql('CREATE TABLE t (id int primary key, side text)');
  await a.sql("INSERT INTO t SELECT g, 'first' FROM generate_series(1, 100) g");
  const demoteA = call(a, b, 'demote');
  assert.equal(demoteA.code, 0, demoteA.stderr);
  const promoteB = call(b, a, 'promote');
  assert.equal(promoteB.code, 0, promoteB.stderr);
  t.diagnostic(`promotion after the switchover: pg_promote to writes in ${acceptsWritesMs(promoteB.stderr)} ms`);
  await b.sql("INSERT INTO t SELECT g, 'second' FROM generate_series(101, 150) g");
  await streams(b, a);
  // Once b stops, a's WAL receiver stays away (one immediate retry, then minutes): the case where
  // only pg_control could tell a timeline, and pg_control shows a's last restartpoint, on timeline 1.
  await a.sql("ALTER SYSTEM SET wal_retrieve_retry_interval = '5min'");
  await a.sql('SELECT pg_reload_conf()');
  const demoteB = call(b, a, 'demote');
  assert.equal(demoteB.code, 0, demoteB.stderr);
  await waitFor('a to have no WAL receiver', async () => (await a.sql('SELECT count(*) FROM pg_stat_wal_receiver')) === '0', 20_000);
  assert.equal(await a.sql('SELECT timeline_id FROM pg_control_checkpoint()'), '1', 'the precondition: a\'s last restartpoint is on timeline 1');
  // What a peer asking a would hear: IDENTIFY_SYSTEM on a standby gives its replay timeline, the
  // same figure a now computes for itself.
  const asked = await openReplicationSession({ host: a.socketDir, port: a.port, user: 'postgres', connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 });
  try {
    assert.equal((await asked.identify()).timeline, 2, 'IDENTIFY_SYSTEM on the standby answers with the replayed timeline');
  } finally {
    await asked.close();
  }
  const started = Date.now();
  const promoteA = call(a, b, 'promote');
  const wallMs = Date.now() - started;
  assert.equal(promoteA.code, 0, promoteA.stderr);
  assert.match(promoteA.stderr, /promotion check: a at timeline 2 at .* is the best reachable node \[b: standby tl 2\]/);
  const ms = acceptsWritesMs(promoteA.stderr);
  assert.ok(ms, 'the log says how long the promotion took');
  console.log(`# promotion right after the switch back: promote action ${wallMs} ms, pg_promote to writes ${ms} ms`);
  t.diagnostic(`promotion right after the switch back: promote action ${wallMs} ms, pg_promote to writes ${ms} ms`);
  await a.sql('ALTER SYSTEM RESET wal_retrieve_retry_interval');
  await a.sql('SELECT pg_reload_conf()');
  assert.equal(await a.sql('SELECT count(*) FROM t'), '150');
  await streams(a, b);
});

it('refuses to promote while a running peer rejects the login, naming the peer and the error', async () => {
  // sync_mode=off: nothing but the peer check stands between this standby and a second primary.
  const r = call(b, a, 'promote', { repuser: 'nosuchrole', sync_mode: 'off' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.reason ?? '', /^Refusing to promote b: peer a could not be asked where it stands \(.*role "nosuchrole" does not exist\), so it may be a running primary/);
  assert.match(r.stderr, /ERROR: peer a \(.*\) runs but could not be asked where it stands/);
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 't');
});

it('of two primaries on two timelines, the primitive stop never rewinds the newer one (it runs on as a standby of its own data); the older one is rewound with its report once the newer is primary again, and its server log survives in report_dir', async () => {
  // A partition: b is promoted by hand while a still runs as primary on timeline 3.
  assert.equal((await b.ctl.promote({ timeoutMs: 30_000 })).failed, false);
  await waitFor('b is primary', async () => (await b.sql('SELECT pg_is_in_recovery()')) === 'f');
  assert.equal(await b.sql("SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"), '4');
  await b.sql("INSERT INTO t SELECT g, 'acknowledged on b' FROM generate_series(1001, 1200) g");
  for (let k = 0; k < 3; k++) await a.sql(`INSERT INTO t VALUES (${2000 + k}, 'stale side')`);
  const digest = "SELECT count(*) || ':' || sum(hashtext(id || side)) FROM t";
  const bBefore = await b.sql(digest);

  // The primitive stop on the newer primary: a clean shutdown, then it runs as a standby with its
  // data as it was, which cannot follow the stale a and tells every peer check of timeline 4.
  const stopB = call(b, a, 'stop', { mode: 'primitive' });
  assert.equal(stopB.code, 0, stopB.stderr);
  assert.match(stopB.stderr, /ERROR: .* keeps its data and runs as a standby that does not follow primary_host .*: b \(primary\) is on timeline 4 at .*, newer than primary_host's timeline 3: .*primary_host is the side to rejoin/);
  assert.doesNotMatch(stopB.stderr, /pg_rewind|Rebuilding/);
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 't');
  assert.equal(await b.sql(digest), bBefore, 'b kept every row it acknowledged');
  assert.deepEqual(files(b, 'discarded'), [], 'nothing of b was discarded');
  // Its monitor and a repeated stop leave it so, with the reason.
  const again = call(b, a, 'stop', { mode: 'primitive' });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /ERROR: the standby .* does not stream while primary_host runs as primary, and is left as it is: b \(standby\) is on timeline 4/);

  // The stale side's stop: no primary runs (b is a standby), so a comes back as a standby unchecked;
  // then b takes the primary role back, and a's next stop rewinds it onto b, report first.
  const stopStale = call(a, b, 'stop', { mode: 'primitive' });
  assert.equal(stopStale.code, 0, stopStale.stderr);
  assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
  const startB = call(b, a, 'start', { mode: 'primitive' });
  assert.equal(startB.code, 0, startB.stderr);
  assert.match(startB.stderr, /promotion check: b at timeline 4 at .* is the best reachable node \[a: standby tl 3\]/);
  assert.equal(await b.sql(digest), bBefore);

  const logBefore = readFileSync(serverLogOf(a), 'utf8');
  assert.match(logBefore, /database system is ready to accept read-only connections/, 'a\'s server log from its starts as a standby');
  writeFileSync(join(a.dataDir, 'pgbeat-server.log'), 'a server log an older pgbeat kept in pgdata\n');
  const stopA = call(a, b, 'stop', { mode: 'primitive' });
  assert.equal(stopA.code, 0, stopA.stderr);
  assert.match(stopA.stderr, /the standby does not stream .* rejoining it/);
  assert.match(stopA.stderr, /pg_rewind discards 3 committed transaction\(s\)/);
  await streams(b, a);
  await waitFor('a replays b', async () => (await a.sql(digest)) === bBefore, 30_000);
  const [report, ...more] = files(a, 'discarded');
  assert.ok(report, 'the report of the discarded transactions is in a\'s report_dir');
  assert.deepEqual(more, []);
  assert.match(readFileSync(join(reportDir(a), report), 'utf8'), /^# transactions: 3 \(3 committed, 0 aborted, 0 prepared, 0 in progress\)$/m);
  assert.ok(readFileSync(serverLogOf(a), 'utf8').startsWith(logBefore), 'the server log kept everything written before the rewind');
  assert.equal(existsSync(join(a.dataDir, 'pgbeat-server.log')), false);
  const [moved] = files(a, 'server-from-pgdata');
  assert.ok(moved, 'the server log found in pgdata was moved out before the rewind');
  assert.equal(readFileSync(join(reportDir(a), moved), 'utf8'), 'a server log an older pgbeat kept in pgdata\n');
});
