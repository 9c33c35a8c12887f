import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicationRow } from '../../../lib/pg/replication-views.ts';
import {
  parseSyncStandbyNames, quoteStandbyName, renderSyncStandbyNames, synchronousStandbys, wantedSyncStandbyNames, type SyncMode,
} from '../../../lib/pg/sync-standbys.ts';

const row = (applicationName: string, state = 'streaming', syncState = 'async'): ReplicationRow => ({
  applicationName, state, syncState, clientAddr: undefined,
  sentLsn: undefined, writeLsn: undefined, flushLsn: undefined, replayLsn: undefined,
  writeLagS: undefined, flushLagS: undefined, replayLagS: undefined,
});

test('parseSyncStandbyNames() reads every form PostgreSQL accepts', () => {
  const cases: [string, ReturnType<typeof parseSyncStandbyNames>][] = [
    ['', undefined],
    ['   ', undefined],
    ['node2', { method: 'first', num: 1, names: ['node2'] }],
    ['node2, node3', { method: 'first', num: 1, names: ['node2', 'node3'] }],
    ['*', { method: 'first', num: 1, names: ['*'] }],
    ['2 (a, b, c)', { method: 'first', num: 2, names: ['a', 'b', 'c'] }],
    ['FIRST 1 ("node2", "node 3")', { method: 'first', num: 1, names: ['node2', 'node 3'] }],
    ['first 1 (a)', { method: 'first', num: 1, names: ['a'] }],
    ['ANY 2 (a,"b""q",c)', { method: 'any', num: 2, names: ['a', 'b"q', 'c'] }],
    ['first', { method: 'first', num: 1, names: ['first'] }],
    ['any, first', { method: 'first', num: 1, names: ['any', 'first'] }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseSyncStandbyNames(text), want, text);
});

test('parseSyncStandbyNames() rejects malformed values, naming them', () => {
  for (const bad of ['FIRST 1 (a', 'a b', '(a)', 'FIRST 1 a', 'a,,b', 'a;b', '"open']) {
    assert.throws(() => parseSyncStandbyNames(bad), (e: Error) => e instanceof SyntaxError && e.message.includes(`'${bad}'`), bad);
  }
});

test('renderSyncStandbyNames() quotes every name and round-trips', () => {
  assert.equal(renderSyncStandbyNames({ method: 'first', num: 1, names: ['a', 'b'] }), 'FIRST 1 ("a", "b")');
  assert.equal(renderSyncStandbyNames({ method: 'any', num: 1, names: ['x"y', '*'] }), 'ANY 1 ("x""y", *)');
  assert.equal(renderSyncStandbyNames(undefined), '');
  assert.equal(quoteStandbyName('Node 2'), '"Node 2"');
  const spec = { method: 'first' as const, num: 1, names: ['node-2', 'x"y', 'Ünïcode', '123'] };
  assert.deepEqual(parseSyncStandbyNames(renderSyncStandbyNames(spec)), spec);
});

test('synchronousStandbys() counts only listed, streaming, sync/quorum standbys', () => {
  const rows = [
    row('node2', 'streaming', 'sync'),
    row('node3', 'streaming', 'potential'),
    row('node4', 'catchup', 'sync'),
    row('node5', 'streaming', 'quorum'),
    row('NODE6', 'streaming', 'sync'),
    row('rogue', 'streaming', 'sync'),
  ];
  assert.deepEqual(synchronousStandbys(rows, 'FIRST 1 ("node2", "node3", "node4", "node6")'), ['node2', 'NODE6']);
  assert.deepEqual(synchronousStandbys(rows, 'ANY 1 (node5)'), ['node5']);
  assert.deepEqual(synchronousStandbys(rows, '*'), ['node2', 'node5', 'NODE6', 'rogue']);
  assert.deepEqual(synchronousStandbys(rows, ''), []);
  assert.deepEqual(synchronousStandbys(rows, 'FIRST 1 (broken'), []);
});

test('wantedSyncStandbyNames() per mode (table)', () => {
  const streaming = [row('node3'), row('node2'), row('backup', 'backup'), row('', 'streaming'), row('node4', 'catchup')];
  const none = [row('node4', 'catchup')];
  const cases: [SyncMode, ReplicationRow[], string, string, boolean, RegExp][] = [
    ['off', streaming, '', '', false, /sync_mode=off/],
    ['off', none, 'FIRST 1 ("x")', 'FIRST 1 ("x")', false, /left as it is/],
    ['fallback', streaming, '', 'FIRST 1 ("node2", "node3")', true, /streaming: node3, node2/],
    ['fallback', streaming, 'FIRST 1 ("node3", "node2")', 'FIRST 1 ("node3", "node2")', false, /streaming/],
    ['fallback', streaming, 'node3,node2', 'FIRST 1 ("node3", "node2")', false, /streaming/],
    ['fallback', streaming, 'FIRST 1 ("node3", "gone")', 'FIRST 1 ("node3", "node2")', true, /streaming/],
    ['fallback', none, 'FIRST 1 ("node2")', '', true, /writes do not wait/],
    ['fallback', [], '', '', false, /no standby is streaming/],
    ['strict', streaming, '', 'FIRST 1 ("node2", "node3")', true, /streaming/],
    ['strict', none, 'FIRST 1 ("node2")', 'FIRST 1 ("node2")', false, /commits wait/],
    ['strict', [], '', '*', true, /keeping '\*'/],
  ];
  for (const [mode, rows, current, value, changed, reason] of cases) {
    const got = wantedSyncStandbyNames(mode, rows, current);
    const name = `${mode} current='${current}' rows=${rows.map((r) => `${r.applicationName}:${r.state}`).join(',')}`;
    assert.equal(got.value, value, name);
    assert.equal(got.changed, changed, name);
    assert.match(got.reason, reason, name);
  }
});

test('wantedSyncStandbyNames() keeps the standby that is sync first, so FIRST 1 does not flip', () => {
  const got = wantedSyncStandbyNames('fallback', [row('a'), row('b'), row('c')], 'FIRST 1 ("c", "a")');
  assert.equal(got.value, 'FIRST 1 ("c", "a", "b")');
});
