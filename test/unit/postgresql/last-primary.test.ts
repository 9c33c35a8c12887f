import { test } from 'node:test';
import assert from 'node:assert/strict';
import { furthestSighting, sightingFromReceiver, sightingFromState } from '../../../lib/postgresql/last-primary.ts';

const receiver = { status: 'streaming', receivedTimeline: 3, writtenLsn: 0x100n, flushedLsn: 0x100n, latestEndLsn: 0x5000n, slotName: undefined, senderHost: undefined, senderPort: undefined };
const started = Date.parse('2026-11-30T07:00:00Z') / 1000;
const state = (o: Record<string, unknown>) => JSON.stringify({ role: 'standby', at: '2026-11-30T07:05:00.000Z', wal_receiver: { latestEndLsn: '0/6000', receivedTimeline: 3 }, ...o });

test('the WAL receiver gives the primary\'s reported end of WAL on the received timeline', () => {
  assert.deepEqual(sightingFromReceiver(receiver, 'now'), { timeline: 3, lsn: 0x5000n, source: 'now' });
  assert.equal(sightingFromReceiver(undefined, 'now'), undefined);
  assert.equal(sightingFromReceiver({ ...receiver, latestEndLsn: undefined }, 'now'), undefined);
});

test('a state file recorded by a standby monitor during this server\'s run counts', () => {
  assert.deepEqual(sightingFromState(state({}), started), { timeline: 3, lsn: 0x6000n, source: 'heard by the WAL receiver, recorded 2026-11-30T07:05:00.000Z' });
});

test('a state file from before this server started, from a primary, or unreadable, does not', () => {
  assert.equal(sightingFromState(state({ at: '2026-11-30T06:59:59.000Z' }), started), undefined);
  assert.equal(sightingFromState(state({ role: 'primary' }), started), undefined);
  assert.equal(sightingFromState(state({ wal_receiver: 'none' }), started), undefined);
  assert.equal(sightingFromState(state({ wal_receiver: { latestEndLsn: 'junk', receivedTimeline: 3 } }), started), undefined);
  assert.equal(sightingFromState('{not json', started), undefined);
  assert.equal(sightingFromState(undefined, started), undefined);
  assert.equal(sightingFromState(state({}), undefined), undefined, 'no server start time: no way to tell');
});

test('the furthest sighting wins: newer timeline first, then more WAL', () => {
  const a = { timeline: 3, lsn: 0x9000n, source: 'a' };
  const b = { timeline: 4, lsn: 0x10n, source: 'b' };
  const c = { timeline: 3, lsn: 0x9100n, source: 'c' };
  assert.equal(furthestSighting(a, undefined, c)?.source, 'c');
  assert.equal(furthestSighting(a, b, c)?.source, 'b');
  assert.equal(furthestSighting(undefined, undefined), undefined);
});
