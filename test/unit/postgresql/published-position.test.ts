import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePosition, encodePosition, PUBLISHED_POSITION_MAX_AGE_S } from '../../../lib/postgresql/published-position.ts';

const now = 1_800_000_000;

test('a published position round-trips', () => {
  const v = encodePosition({ timeline: 3, lsn: 0x5000060n }, now);
  assert.equal(v, '3:0/5000060:1800000000');
  assert.deepEqual(decodePosition('b', v, now + 10), { name: 'b', timeline: 3, lsn: 0x5000060n });
});

test('an old, future-dated beyond skew, malformed or absent value is ignored', () => {
  assert.equal(decodePosition('b', `3:0/5:${now - PUBLISHED_POSITION_MAX_AGE_S - 1}`, now), undefined);
  assert.equal(decodePosition('b', `3:0/5:${now + PUBLISHED_POSITION_MAX_AGE_S + 1}`, now), undefined);
  assert.equal(decodePosition('b', '3:0/5', now), undefined);
  assert.equal(decodePosition('b', 'x:0/5:1', now), undefined);
  assert.equal(decodePosition('b', undefined, now), undefined);
});
