// The simulation can fail: with a rule deliberately broken it finds a violation within a few seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed } from './scenario.ts';
import type { UnsafePolicy } from '../../../../lib/manager/core/core-config.ts';
import type { Mode } from './world.ts';

const firstViolation = (mode: Mode, unsafe: UnsafePolicy, seeds: number): { seed: number; violations: string[] } | null => {
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runSeed(seed, { mode, unsafe });
    if (r.violations.length > 0) return { seed, violations: r.violations };
  }
  return null;
};

test('simulation finds lost commits when the primary drops its synchronous standby without proof (fence, no witness)', () => {
  const found = firstViolation('fence', { dropSyncWithoutProof: true }, 60);
  assert.ok(found !== null, 'no seed found the unsafe drop');
  assert.match(found.violations.join('\n'), /without acknowledged commit|discards acknowledged commit|two primaries acknowledged/);
});

test('simulation finds the address on both nodes when the holder counts its lease too long (witness)', () => {
  const found = firstViolation('witness', { leaseTooLong: true }, 60);
  assert.ok(found !== null, 'no seed found the overlong lease');
  assert.match(found.violations.join('\n'), /the address is up on both nodes/);
});

test('the same seeds keep every invariant with the rules intact', () => {
  for (const mode of ['fence', 'witness'] as const) {
    for (let seed = 1; seed <= 10; seed++) assert.deepEqual(runSeed(seed, { mode }).violations, [], `${mode} seed ${seed}`);
  }
});
