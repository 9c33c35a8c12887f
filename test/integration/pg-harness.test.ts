// The PostgreSQL test harness and the lib/pg/io adapters against real PostgreSQL 15 servers: a primary
// and a slot-streaming standby, the standby promoted, the old primary diverging and checked for rewind.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lib/exec/io/run.ts';
import { renderConninfo } from '../../lib/pg/conninfo.ts';
import { rewindBlocker } from '../../lib/pg/controldata.ts';
import { classifyInstance, type InstanceClassification } from '../../lib/pg/instance-state.ts';
import { findBindir } from '../../lib/pg/io/bindir.ts';
import { readControlData } from '../../lib/pg/io/controldata.ts';
import { pgIsReady } from '../../lib/pg/io/isready.ts';
import { readPgVersion, readTimelineHistory } from '../../lib/pg/io/pgdata.ts';
import { openReplicationSession } from '../../lib/pg/io/peer.ts';
import { postmasterStatus } from '../../lib/pg/io/postmaster.ts';
import { psqlQuery } from '../../lib/pg/io/psql.ts';
import { pgRewind } from '../../lib/pg/io/rewind.ts';
import { findWalEnd, readWal } from '../../lib/pg/io/waldump.ts';
import { formatLsn, type Lsn } from '../../lib/pg/lsn.ts';
import { checkReplicationAccess, parsePgHba } from '../../lib/pg/pg-hba.ts';
import { mayStartAsPrimary } from '../../lib/pg/promotion.ts';
import { synchronousStandbys, wantedSyncStandbyNames } from '../../lib/pg/sync-standbys.ts';
import { findDivergence, parseTimelineHistory } from '../../lib/pg/timeline-history.ts';
import { parseBinaryVersion, versionMismatch } from '../../lib/pg/version.ts';
import { buildDiscardReport, lostTransactions, renderDiscardReport } from '../../lib/pg/waldump-report.ts';
import { cleanupAllPg, createPrimary, createStandby, PG_BINDIR, pgTools, waitFor, type PgInstance } from '../helpers/pg.ts';

/** Runs the monitor's probe chain against an instance and classifies it. */
const probe = async (inst: PgInstance): Promise<InstanceClassification> => {
  const ready = await pgIsReady(pgTools, { host: inst.socketDir, port: inst.port, timeoutS: 3 });
  const cd = await readControlData(pgTools, inst.dataDir, { asRoot: true });
  const pm = postmasterStatus(inst.dataDir);
  let inRecovery: boolean | undefined;
  if (ready.code === 0) {
    const s = await inst.connect();
    try {
      inRecovery = await s.isInRecovery();
    } finally {
      await s.close();
    }
  }
  return classifyInstance({ isready: ready.code, controlState: cd.state, postmasterPid: pm.pid, postmasterAlive: pm.alive, inRecovery });
};

const streaming = async (primary: PgInstance, name: string, atLeast?: Lsn): Promise<void> => {
  const s = await primary.connect();
  try {
    await waitFor(`${name} streaming${atLeast === undefined ? '' : ` and replayed to ${formatLsn(atLeast)}`}`, async () =>
      (await s.replicationRows()).some((r) => r.applicationName === name && r.state === 'streaming' && (atLeast === undefined || (r.replayLsn ?? 0n) >= atLeast)),
    );
  } finally {
    await s.close();
  }
};

describe('PostgreSQL harness and io adapters on real servers', { timeout: 240_000 }, () => {
  let node1: PgInstance;
  let node2: PgInstance;
  let forkLsn: Lsn;
  const dirs: string[] = [];

  after(async () => {
    await cleanupAllPg();
    for (const d of dirs) assert.equal(existsSync(d), false, `${d} removed`);
  });

  test('createPrimary() runs a primary: in production, accepting, not in recovery', async () => {
    node1 = await createPrimary({ name: 'node1' });
    dirs.push(node1.baseDir);
    assert.equal((await node1.controlData()).state, 'in production');
    assert.equal((await pgIsReady(pgTools, { host: node1.socketDir, port: node1.port })).code, 0);
    assert.deepEqual(await probe(node1), { state: 'primary', reason: 'accepting connections and not in recovery' });
    assert.deepEqual(await psqlQuery(pgTools, { host: node1.socketDir, port: node1.port }, "SELECT 1, 'a b'; ", { timeoutMs: 10_000 }), [['1', 'a b']]);
    await node1.sql(`CREATE TABLE accounts (id int PRIMARY KEY, owner text); INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob')`);
  });

  test('findBindir() and the version check agree with the data directory', async () => {
    assert.equal(readPgVersion(node1.dataDir), '15');
    assert.deepEqual(await findBindir({ pgdata: node1.dataDir }), { bindir: PG_BINDIR, how: 'PG_VERSION 15' });
    const r = await run(join(PG_BINDIR, 'postgres'), ['--version'], { timeoutMs: 10_000 });
    const binary = parseBinaryVersion(r.stdout);
    assert.equal(versionMismatch(readPgVersion(node1.dataDir), binary, { pgdata: node1.dataDir, bindir: PG_BINDIR }), undefined);
    await assert.rejects(findBindir({ pgdata: node1.dataDir, configured: '/nonexistent' }), /Cannot use bindir \/nonexistent: it has no executable pg_ctl/);
  });

  test('createStandby() clones with a slot and streams; the standby is in archive recovery', async () => {
    node2 = await createStandby(node1, { name: 'node2', slot: 'node2' });
    dirs.push(node2.baseDir);
    await streaming(node1, 'node2');
    const s1 = await node1.connect();
    try {
      const [slot] = await s1.slots();
      assert.deepEqual([slot?.slotName, slot?.active], ['node2', true]);
    } finally {
      await s1.close();
    }
    assert.equal((await node2.controlData()).state, 'in archive recovery');
    assert.equal((await probe(node2)).state, 'standby');
    const s2 = await node2.connect();
    try {
      const wr = await s2.walReceiver();
      assert.deepEqual([wr?.status, wr?.slotName, wr?.senderPort], ['streaming', 'node2', node1.port]);
      assert.equal(await s2.timeline(), 1);
      assert.ok(((await s2.receiveLsn()) ?? 0n) > 0n);
    } finally {
      await s2.close();
    }
    const hba = parsePgHba(readFileSync(join(node1.dataDir, 'pg_hba.conf'), 'utf8'));
    assert.equal(checkReplicationAccess(hba, 'postgres', { local: true }).verdict, 'allowed');
  });

  test('peers answer IDENTIFY_SYSTEM and in_hot_standby over a replication connection', async () => {
    const ids = [];
    for (const inst of [node1, node2]) {
      const r = await openReplicationSession({ host: inst.socketDir, port: inst.port, user: 'postgres', connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 });
      try {
        ids.push(await r.identify());
      } finally {
        await r.close();
      }
    }
    assert.equal(ids[0]!.systemId, ids[1]!.systemId);
    assert.deepEqual([ids[0]!.inHotStandby, ids[1]!.inHotStandby], [false, true]);
    assert.deepEqual([ids[0]!.timeline, ids[1]!.timeline], [1, 1]);
  });

  test('synchronous_standby_names follows the streaming standby through ALTER SYSTEM and reload', async () => {
    const s = await node1.connect();
    try {
      const want = wantedSyncStandbyNames('fallback', await s.replicationRows(), await s.show('synchronous_standby_names'));
      assert.deepEqual([want.value, want.changed], ['FIRST 1 ("node2")', true]);
      await s.alterSystem('synchronous_standby_names', want.value);
      await s.reloadConf();
      await waitFor('the reload', async () => (await s.show('synchronous_standby_names')) === want.value);
      await waitFor('node2 to be sync', async () => (await s.replicationRows()).some((r) => r.syncState === 'sync'));
      assert.deepEqual(synchronousStandbys(await s.replicationRows(), want.value), ['node2']);
      assert.match(readFileSync(join(node1.dataDir, 'postgresql.auto.conf'), 'utf8'), /^synchronous_standby_names = 'FIRST 1 \("node2"\)'$/m);
      // No standby streaming under fallback: cleared, so the writes below do not wait.
      const none = wantedSyncStandbyNames('fallback', [], want.value);
      assert.deepEqual([none.value, none.changed], ['', true]);
      await s.alterSystem('synchronous_standby_names', undefined);
      await s.reloadConf();
      await waitFor('the reset', async () => (await s.show('synchronous_standby_names')) === '');
    } finally {
      await s.close();
    }
  });

  test('a standby stopped by the pg-ctl adapter is "shut down in recovery" (stopped-standby)', async () => {
    const out = await node2.ctl.stop({ deadlineMs: 30_000 });
    assert.deepEqual([out.stopped, out.how], [true, 'fast']);
    assert.equal((await node2.controlData()).state, 'shut down in recovery');
    assert.equal((await probe(node2)).state, 'stopped-standby');
    assert.equal((await node2.ctl.stop({ deadlineMs: 10_000 })).how, 'already-stopped');
    await node2.start();
    await streaming(node1, 'node2');
  });

  test('promotion through the pg-ctl adapter moves to timeline 2 and writes a history file', async () => {
    const s1 = await node1.connect();
    const target = await s1.currentLsn();
    await s1.close();
    await streaming(node1, 'node2', target);
    const r = await node2.ctl.promote({ timeoutMs: 30_000 });
    assert.equal(r.failed, false, r.stderr);
    const s2 = await node2.connect();
    try {
      assert.equal(await s2.isInRecovery(), false);
      assert.equal(await s2.timeline(), 2);
    } finally {
      await s2.close();
    }
    const history = readTimelineHistory(node2.dataDir, 2);
    assert.equal(history.length, 1);
    assert.equal(history[0]!.parentTimeline, 1);
    assert.ok(history[0]!.switchLsn >= target, 'the fork is at or after what the standby had replayed');
    forkLsn = history[0]!.switchLsn;
    assert.equal((await probe(node2)).state, 'primary');
    const verdict = mayStartAsPrimary({ name: 'node1', timeline: 1, lsn: target }, [{ name: 'node2', reachable: true, role: 'primary', timeline: 2, lsn: forkLsn }]);
    assert.deepEqual(verdict, { allow: false, reason: 'peer node2 is already a running primary on timeline 2 (we are on 1)' });
  });

  let oldXids: string[] = [];
  test('the old primary diverges; pg_waldump lists the transactions written after the fork', async () => {
    const s = await node1.connect();
    try {
      for (const sql of [`INSERT INTO accounts VALUES (3, 'cid')`, `UPDATE accounts SET owner = 'ann2' WHERE id = 1`]) {
        await s.query('BEGIN');
        await s.query(sql);
        oldXids.push(String((await s.query<{ x: string }>('SELECT txid_current()::text AS x'))[0]!.x));
        await s.query('COMMIT');
      }
    } finally {
      await s.close();
    }
    const accounts = await node1.sql(`SELECT '1663/' || substr(pg_relation_filepath('accounts'), 6)`);
    await node1.stop('fast');
    const cd = await node1.controlData();
    assert.equal(cd.state, 'shut down');
    assert.equal((await probe(node1)).state, 'stopped');

    const peer = await openReplicationSession({ host: node2.socketDir, port: node2.port, user: 'postgres', connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 });
    const theirs = { timeline: 2, history: parseTimelineHistory(await peer.timelineHistory(2)) };
    await peer.close();
    const div = findDivergence({ timeline: cd.timeline, history: [], lastRecordLsn: cd.checkpointLsn }, theirs);
    assert.equal(div.diverged, true, div.reason);
    assert.equal(div.forkLsn, forkLsn);

    const walDir = join(node1.dataDir, 'pg_wal');
    const end = await findWalEnd(pgTools, { walDir, timeline: 1, start: forkLsn, timeoutMs: 30_000 });
    assert.equal(end?.lastRecordLsn, cd.checkpointLsn, 'the shutdown checkpoint is the last record');
    const read = await readWal(pgTools, { walDir, timeline: 1, start: forkLsn, timeoutMs: 30_000 });
    assert.equal(read.endOfWal, true);
    const report = buildDiscardReport(read.records, { timeline: 1, from: forkLsn, to: end?.endLsn });
    assert.deepEqual(lostTransactions(report).map((t) => String(t.xid)), oldXids);
    for (const t of lostTransactions(report)) assert.deepEqual(t.relations, [accounts]);
    assert.match(renderDiscardReport(report), new RegExp(`^xid=${oldXids[0]} outcome=committed time="\\d{4}-[^"]+ UTC"`, 'm'));
  });

  test('pg_rewind --dry-run accepts the diverged old primary (wal_log_hints on) and changes nothing', async () => {
    const before = await node1.controlData();
    assert.equal(rewindBlocker(before), undefined);
    const source = renderConninfo({ host: node2.socketDir, port: node2.port, user: 'postgres', dbname: 'postgres' });
    const r = await pgRewind(pgTools, { pgdata: node1.dataDir, sourceServer: source, dryRun: true, timeoutMs: 60_000 });
    assert.equal(r.result.failed, false, r.result.stderr);
    assert.deepEqual(r.outcome.divergedAt, { lsn: forkLsn, timeline: 1 });
    assert.equal(r.outcome.done, true);
    const after = await node1.controlData();
    assert.deepEqual([after.state, after.timeline, after.checkpointLsn], [before.state, before.timeline, before.checkpointLsn]);
  });

  test('kill -9 of the new primary leaves "in production" with no postmaster: crashed-primary', async () => {
    const pid = await node2.kill9();
    const cd = await node2.controlData();
    assert.equal(cd.state, 'in production');
    assert.deepEqual(postmasterStatus(node2.dataDir), { pid, alive: false });
    assert.equal((await pgIsReady(pgTools, { host: node2.socketDir, port: node2.port, timeoutS: 2 })).code, 2);
    const c = await probe(node2);
    assert.equal(c.state, 'crashed-primary');
    assert.match(c.reason, new RegExp(`stale postmaster.pid, PID ${pid} is gone`));
    assert.equal((await node2.ctl.stop({ deadlineMs: 10_000 })).how, 'already-stopped');
  });
});
