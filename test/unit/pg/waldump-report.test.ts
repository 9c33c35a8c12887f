import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLsn, parseLsn } from '../../../lib/pg/lsn.ts';
import {
  buildDiscardReport, lostTransactions, parseWaldump, parseWaldumpEnd, parseWaldumpLine, renderDiscardReport,
} from '../../../lib/pg/waldump-report.ts';
import { captured, fixture } from './fixture.ts';

const relOf = (path: string): string => `1663/${path.replace(/^base\//, '')}`;

test('parseWaldumpLine() reads a PG 15 record line', () => {
  const r = parseWaldumpLine(
    'rmgr: Heap        len (rec/tot):     54/   186, tx:        725, lsn: 0/03006980, prev 0/03004950, desc: INSERT off 3 flags 0x00, blkref #0: rel 1663/5/16384 blk 0 FPW',
  );
  assert.deepEqual(r, {
    rmgr: 'Heap', recLen: 54, totLen: 186, xid: 725, lsn: parseLsn('0/3006980'), prev: parseLsn('0/3004950'), type: 'INSERT',
    desc: 'INSERT off 3 flags 0x00, blkref #0: rel 1663/5/16384 blk 0 FPW', relations: ['1663/5/16384'],
  });
  assert.equal(parseWaldumpLine('pg_waldump: error: error in WAL record at 0/301CC88: invalid record length'), undefined);
  assert.equal(parseWaldumpLine(''), undefined);
  assert.deepEqual(parseWaldumpLine('rmgr: Heap2 len (rec/tot): 1/ 2, tx: 9, lsn: 0/10, prev 0/8, desc: MULTI_INSERT+INIT 5 tuples, blkref #0: rel 1663/5/2 blk 1, blkref #1: rel 1663/5/3 blk 0')?.relations, ['1663/5/2', '1663/5/3']);
});

test('parseWaldump() reads every record of the captured diverged WAL', () => {
  const records = parseWaldump(fixture('waldump-diverged.txt'));
  assert.equal(records.length, fixture('waldump-diverged.txt').trim().split('\n').length);
  assert.equal(records[0]!.lsn, parseLsn(captured().forkLsn) + 0x28n, 'the first record follows the page header at the fork');
  const last = records[records.length - 1]!;
  assert.equal(last.type, 'CHECKPOINT_SHUTDOWN');
  assert.equal(formatLsn(last.lsn), captured().oldPrimaryCheckpoint);
  for (let i = 1; i < records.length; i++) assert.equal(records[i]!.prev, records[i - 1]!.lsn, `prev link of record ${i}`);
});

test('buildDiscardReport() lists the transactions written on the old primary after the fork', () => {
  const c = captured();
  const report = buildDiscardReport(parseWaldump(fixture('waldump-diverged.txt')), { timeline: 1, from: parseLsn(c.forkLsn) });
  const byXid = new Map(report.transactions.map((t) => [String(t.xid), t]));
  assert.deepEqual([...byXid.keys()], [c.xids.committedInsert, c.xids.committedSub, c.xids.aborted, c.xids.ddl]);
  assert.deepEqual(report.counts, { committed: 3, aborted: 1, prepared: 0, 'in progress': 0 });

  const insert = byXid.get(c.xids.committedInsert)!;
  assert.equal(insert.outcome, 'committed');
  assert.match(insert.time ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC$/);
  assert.deepEqual(insert.relations, [relOf(c.relations['accounts']!)]);

  const sub = byXid.get(c.xids.committedSub)!;
  assert.deepEqual(sub.relations, [relOf(c.relations['accounts']!), relOf(c.relations['audit']!)].sort(), 'the subtransaction insert folds into its parent');
  assert.equal(byXid.has(String(Number(c.xids.committedSub) + 1)), false, 'no separate entry for the subxid');

  assert.equal(byXid.get(c.xids.aborted)!.outcome, 'aborted');
  const ddl = byXid.get(c.xids.ddl)!;
  assert.deepEqual(ddl.relations, [relOf(c.relations['late']!)]);
  assert.ok(ddl.catalogRelations.length > 0, 'CREATE TABLE touches catalogs');
  assert.deepEqual(lostTransactions(report).map((t) => String(t.xid)), [c.xids.committedInsert, c.xids.committedSub, c.xids.ddl]);
});

test('buildDiscardReport() marks transactions without an end record as in progress, and 2PC ones', () => {
  const lines = [
    'rmgr: Heap        len (rec/tot):     61/    61, tx:        900, lsn: 0/05000028, prev 0/05000000, desc: INSERT off 2 flags 0x00, blkref #0: rel 1663/5/16500 blk 0',
    'rmgr: Heap        len (rec/tot):     61/    61, tx:        901, lsn: 0/05000068, prev 0/05000028, desc: INSERT off 3 flags 0x00, blkref #0: rel 1663/5/16501 blk 0',
    'rmgr: Transaction len (rec/tot):     90/    90, tx:        901, lsn: 0/050000A8, prev 0/05000068, desc: PREPARE gid g1: 2026-11-24 11:00:00.000001 UTC',
    'rmgr: Transaction len (rec/tot):     50/    50, tx:          0, lsn: 0/05000108, prev 0/050000A8, desc: COMMIT_PREPARED 901: 2026-11-24 11:00:01.5 UTC',
  ];
  const report = buildDiscardReport(parseWaldump(lines.join('\n')));
  assert.deepEqual(report.transactions.map((t) => [t.xid, t.outcome, t.time]), [
    [900, 'in progress', undefined],
    [901, 'committed', '2026-11-24 11:00:01.5 UTC'],
  ]);
  assert.equal(report.transactions[1]!.lastLsn, parseLsn('0/5000108'));
});

test('renderDiscardReport() writes a header and one key=value line per transaction', () => {
  const c = captured();
  const report = buildDiscardReport(parseWaldump(fixture('waldump-diverged.txt')), { timeline: 1, from: parseLsn(c.forkLsn), to: parseLsn(c.oldPrimaryWalEnd) });
  const text = renderDiscardReport(report, { pgdata: '/var/lib/postgresql/15/main', 'new timeline': '2' });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '# pgbeat: transactions in WAL that a rewind discards');
  assert.equal(lines[1], '# pgdata: /var/lib/postgresql/15/main');
  assert.equal(lines[3], `# wal: timeline 1 from ${c.forkLsn} to ${c.oldPrimaryWalEnd}, ${report.records} records`);
  assert.equal(lines[4], '# transactions: 4 (3 committed, 1 aborted, 0 prepared, 0 in progress)');
  assert.match(lines[5]!, new RegExp(`^xid=${c.xids.committedInsert} outcome=committed time="[^"]+ UTC" records=\\d+ first_lsn=\\S+ last_lsn=\\S+ relations=${relOf(c.relations['accounts']!)} catalog_relations=0$`));
  assert.match(lines[7]!, /outcome=aborted/);
  assert.equal(lines.length, 9);
});

test('parseWaldumpEnd() reads where pg_waldump found the end of the WAL', () => {
  const c = captured();
  assert.deepEqual(parseWaldumpEnd(fixture('waldump-quiet.stderr.txt')), { lastRecordLsn: parseLsn(c.oldPrimaryCheckpoint), endLsn: parseLsn(c.oldPrimaryWalEnd) });
  assert.equal(parseWaldumpEnd('pg_waldump: error: could not find file "000000010000000000000009": No such file or directory'), undefined);
  assert.equal(parseWaldumpEnd('pg_waldump: error: error in WAL record at 0/0: invalid record length at 0/5000028: wanted 24, got 0'), undefined);
});
