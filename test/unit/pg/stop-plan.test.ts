import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopPlan } from '../../../lib/pg/stop-plan.ts';

const cases: [string, number, number, number][] = [
  ['the advised stop timeout (120 s, 96 s budget)', 96_000, 10_000, 10_000],
  ['a 20 s timeout (16 s budget)', 16_000, 5_333, 5_333],
  ['a 30 s budget', 30_000, 10_000, 10_000],
  ['a tiny budget still gives pg_ctl a whole second each', 1_500, 1_000, 1_000],
  ['a huge budget stays bounded', 3_600_000, 10_000, 10_000],
];

test('stopPlan() bounds fast and immediate shutdown by the budget (table)', () => {
  for (const [name, budget, fast, immediate] of cases) {
    assert.deepEqual(stopPlan(budget), { fastMs: fast, immediateMs: immediate }, name);
    if (budget >= 6_000) assert.ok(fast + immediate < budget, `${name}: time is left for the last rung`);
  }
});
