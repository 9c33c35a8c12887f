import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeState, isNewer, nextEpoch } from '../../../../lib/manager/core/agreed-state.ts';

test('nextEpoch() is above the current epoch with the node parity, so the two nodes never collide', () => {
  const cases: [number, number, number][] = [[0, 0, 2], [0, 1, 1], [1, 0, 2], [1, 1, 3], [4, 1, 5], [5, 1, 7]];
  for (const [e, i, want] of cases) assert.equal(nextEpoch(e, i), want, `${e} by ${i}`);
});

test('isNewer() orders by epoch only; describeState() names primary and mode', () => {
  assert.equal(isNewer({ epoch: 3, primary: 'a', sync: null }, { epoch: 2, primary: 'b', sync: 'a' }), true);
  assert.equal(isNewer({ epoch: 2, primary: 'a', sync: null }, { epoch: 2, primary: 'b', sync: 'a' }), false);
  assert.equal(describeState({ epoch: 7, primary: 'pg1', sync: 'pg2' }), 'epoch 7: primary pg1, SYNC(pg2)');
  assert.equal(describeState({ epoch: 8, primary: null, sync: null, released: { timeline: 2, lsn: 5, successor: 'pg2' } }), 'epoch 8: no primary (released at 2/5 to pg2), SOLO');
});
