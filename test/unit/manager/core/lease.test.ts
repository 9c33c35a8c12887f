import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holderLeaseEnd, recordSent, sentAt, voterPromiseEnd } from '../../../../lib/manager/core/lease.ts';
import { deriveTimings } from '../../../../lib/manager/core/core-config.ts';
import { timingProblems } from '../../../../lib/manager/core/timing.ts';

test('the holder lease ends before any voter promise, for clock rates within rho', () => {
  const L = 396; const rho = 0.01; const margin = 50;
  // Worst case: holder clock slow (its ms last longer), voter clock fast (its ms are shorter).
  for (const [holderRate, voterRate] of [[1 - rho / 2, 1 + rho / 2], [1, 1], [1 + rho / 2, 1 - rho / 2]]) {
    const sendReal = 1000; const ackReal = 1003; // the voter acknowledges after the send
    const holderEndReal = sendReal + (holderLeaseEnd(0, L, rho, margin) - 0) / holderRate!;
    const promiseEndReal = ackReal + (voterPromiseEnd(0, L, rho) - 0) / voterRate!;
    assert.ok(holderEndReal + margin <= promiseEndReal, `rates ${holderRate}/${voterRate}: ${holderEndReal} + ${margin} > ${promiseEndReal}`);
  }
});

test('lease arithmetic: holder = sent + L(1-rho) - margin, voter = ack + L(1+rho)', () => {
  assert.equal(holderLeaseEnd(1000, 400, 0.01, 50), 1000 + 396 - 50);
  assert.equal(voterPromiseEnd(1000, 400, 0.01), 1404);
});

test('recordSent()/sentAt() remember the last 32 send times', () => {
  let s = { ids: [] as number[], at: [] as number[] };
  for (let i = 1; i <= 40; i++) s = recordSent(s, i, i * 10);
  assert.equal(sentAt(s, 40), 400);
  assert.equal(sentAt(s, 9), 90);
  assert.equal(sentAt(s, 8), undefined);
});

test('timingProblems() checks T1-T3 and T5, and the derived defaults pass', () => {
  const ok = { keepaliveMs: 100, deadtimeMs: 500, ...deriveTimings(100, 500) };
  assert.deepEqual(timingProblems(ok), []);
  assert.deepEqual(timingProblems({ keepaliveMs: 1000, deadtimeMs: 30_000, ...deriveTimings(1000, 30_000) }), []);
  const cases: [string, Partial<typeof ok>, RegExp][] = [
    ['T1', { deadtimeMs: 200 }, /T1/],
    ['T2', { leaseMs: 150 }, /T2/],
    ['T3', { leaseMs: 450 }, /T3/],
    ['T5', { rho: 0.0001 }, /T5/],
    ['settled tick gap', { idleTickMs: 250 }, /half of deadtime/],
  ];
  for (const [name, change, want] of cases) assert.match(timingProblems({ ...ok, ...change }).join('\n'), want, name);
});
