import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStalled, notStreamingSince, STALL_MIN_MS } from '../../../lib/postgresql/stalled-standby.ts';

const now = new Date('2026-11-30T09:00:00.000Z');
const rec = (o: Record<string, unknown>) => JSON.stringify({ role: 'standby', ...o });

test('the first monitor that sees no streaming starts the count; later ones keep its start', () => {
  assert.equal(notStreamingSince(rec({}), false, now), now.toISOString());
  assert.equal(notStreamingSince(rec({ not_streaming_since: '2026-11-30T08:59:00.000Z' }), false, now), '2026-11-30T08:59:00.000Z');
});

test('replay that moved on since the last record restarts the count', () => {
  const prev = rec({ not_streaming_since: '2026-11-30T08:59:00.000Z', replay_lsn: '0/3000000' });
  assert.equal(notStreamingSince(prev, false, now, '0/3000000'), '2026-11-30T08:59:00.000Z', 'no progress: the count goes on');
  assert.equal(notStreamingSince(prev, false, now, '0/3000100'), now.toISOString(), 'progress: afresh');
});

test('streaming clears it; a record from another role or an unreadable one starts afresh', () => {
  assert.equal(notStreamingSince(rec({ not_streaming_since: '2026-11-30T08:59:00.000Z' }), true, now), undefined);
  assert.equal(notStreamingSince(JSON.stringify({ role: 'primary', not_streaming_since: '2026-11-30T08:00:00.000Z' }), false, now), now.toISOString());
  assert.equal(notStreamingSince('{oops', false, now), now.toISOString());
  assert.equal(notStreamingSince(undefined, false, now), now.toISOString());
});

test('stalled after three intervals, and never before STALL_MIN_MS', () => {
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  assert.equal(isStalled(ago(STALL_MIN_MS - 1), now, 1_000), false);
  assert.equal(isStalled(ago(STALL_MIN_MS), now, 1_000), true);
  assert.equal(isStalled(ago(20_000), now, 10_000), false, 'three 10 s intervals not yet over');
  assert.equal(isStalled(ago(30_000), now, 10_000), true);
  assert.equal(isStalled(undefined, now, 1_000), false);
});
