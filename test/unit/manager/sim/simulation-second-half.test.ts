// The second half of the simulation's seeds (see simulation.test.ts; PGBEAT_SIM_SEEDS sets the total).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed } from './scenario.ts';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const seeds = Number(env['PGBEAT_SIM_SEEDS'] ?? 2000);
const FILE = 'test/unit/manager/sim/simulation.test.ts';

if (env['PGBEAT_SIM_SEED'] === undefined) {
  test(`simulation: seeds ${Math.ceil(seeds / 2) + 1}-${seeds} of random faults keep invariants 1-4`, () => {
    for (let seed = Math.ceil(seeds / 2) + 1; seed <= seeds; seed++) {
      const r = runSeed(seed);
      if (r.violations.length > 0) {
        assert.fail([`seed ${r.seed} (${r.mode}; faults: ${r.faults.join('; ')}) broke the rules:`, ...r.violations.map((v) => `  ${v}`),
          `replay: PGBEAT_SIM_SEED=${r.seed} node scripts/test.mjs ${FILE}`, '--- last trace lines ---', ...r.trace.slice(-80)].join('\n'));
      }
    }
  });
}
