import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIUM_BACKOFF, backoffDelay } from '../../../../lib/manager/media/backoff.ts';

const cases: [number, number][] = [[1, 100], [2, 200], [3, 400], [4, 800], [5, 1600], [6, 3200], [7, 5000], [8, 5000], [1000, 5000]];
for (const [failures, want] of cases) {
  test(`backoffDelay after ${failures} failure(s) is ${want} ms`, () => assert.equal(backoffDelay(failures, MEDIUM_BACKOFF), want));
}

test('backoffDelay is never zero, even with a zero initial delay', () => {
  assert.equal(backoffDelay(1, { initialMs: 0, maxMs: 10 }), 1);
  assert.equal(backoffDelay(0, MEDIUM_BACKOFF), 100);
});
