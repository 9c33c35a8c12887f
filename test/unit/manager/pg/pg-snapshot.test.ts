import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSnapshot, emptySnapshot, postmasterState, withPostmaster, withQueryRow } from '../../../../lib/manager/pg/pg-snapshot.ts';

const states: [string, { pid: number } | undefined, boolean, string][] = [
  ['no postmaster.pid: stopped (a clean shutdown removes it)', undefined, false, 'stopped'],
  ['postmaster.pid and a live postmaster: running', { pid: 42 }, true, 'running'],
  ['postmaster.pid left behind by a dead process: crashed', { pid: 42 }, false, 'crashed'],
];
for (const [name, file, alive, want] of states) {
  test(`postmasterState: ${name}`, () => assert.equal(postmasterState(file, alive), want));
}

const running = withPostmaster(emptySnapshot(0), 'running', 42, 10);

test('a primary row: role, timeline, flush LSN, the synchronous standbys; no replay position', () => {
  const s = withQueryRow(running, { recovery: false, tli: 3, flushed: '0/3000060', replayed: null, sync: 'node2', receiver: null }, 20);
  assert.equal(s.role, 'primary');
  assert.equal(s.timeline, 3);
  assert.equal(s.flushLsn, 0x3000060n);
  assert.equal(s.replayLsn, undefined);
  assert.deepEqual(s.synchronousStandbys, ['node2']);
  assert.equal(s.streaming, undefined);
  assert.equal(s.queriedAt, 20);
  assert.equal(describeSnapshot(s), 'running pid 42, primary tl 3 flush 0/3000060 sync [node2]');
});

test('a standby row: received and replayed positions, streaming', () => {
  const s = withQueryRow(running, { recovery: true, tli: 3, flushed: '0/3000060', replayed: '0/3000000', sync: null, receiver: 'streaming' }, 20);
  assert.equal(s.role, 'standby');
  assert.equal(s.flushLsn, 0x3000060n);
  assert.equal(s.replayLsn, 0x3000000n);
  assert.deepEqual(s.synchronousStandbys, []);
  assert.equal(s.streaming, true);
  assert.match(describeSnapshot(s), /standby tl 3 received 0\/3000060 replayed 0\/3000000 streaming/);
});

test('a standby whose WAL receiver does not stream says so', () => {
  assert.equal(withQueryRow(running, { recovery: true, tli: 1, flushed: null, replayed: '0/1000000', receiver: null }, 20).streaming, false);
});

test('a crash forgets role and positions at once (they are no longer true)', () => {
  const primary = withQueryRow(running, { recovery: false, tli: 3, flushed: '0/3000060', sync: 'node2' }, 20);
  const s = withPostmaster(primary, 'crashed', 42, 30);
  assert.equal(s.postmaster, 'crashed');
  assert.equal(s.role, 'unknown');
  assert.equal(s.flushLsn, undefined);
  assert.deepEqual(s.synchronousStandbys, []);
  assert.equal(s.checkedAt, 30);
  assert.equal(describeSnapshot(s), 'crashed (pid 42)');
});

test('a running postmaster keeps the last query results between queries', () => {
  const primary = withQueryRow(running, { recovery: false, tli: 3, flushed: '0/3000060' }, 20);
  assert.equal(withPostmaster(primary, 'running', 42, 30).flushLsn, 0x3000060n);
});
