// The deterministic simulation of two cores, the witness and PostgreSQL replication under random faults.
// Every seed checks invariants 1-4 at every event. PGBEAT_SIM_SEEDS sets how many seeds run (default
// 2000), PGBEAT_SIM_SEED replays one seed and prints its trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFailover, runSeed, type RunResult } from './scenario.ts';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const only = env['PGBEAT_SIM_SEED'];
const seeds = Number(env['PGBEAT_SIM_SEEDS'] ?? 2000);
const FILE = 'test/unit/manager/sim/simulation.test.ts';

/** A failing run as a message: the seed, its faults, what broke, the replay command, the trace's end. */
const report = (r: RunResult): string => [
  `seed ${r.seed} (${r.mode}; faults: ${r.faults.join('; ')}) broke the rules:`,
  ...r.violations.map((v) => `  ${v}`),
  `replay: PGBEAT_SIM_SEED=${r.seed} node scripts/test.mjs ${FILE}`,
  '--- last trace lines ---',
  ...r.trace.slice(-80),
].join('\n');

if (only !== undefined) {
  test(`simulation seed ${only} (replay)`, () => {
    const r = runSeed(Number(only));
    console.log(r.trace.join('\n'));
    console.log(`mode ${r.mode}; faults: ${r.faults.join('; ')}; acknowledged ${r.acked}`);
    assert.deepEqual(r.violations, [], report(r));
  });
} else {
  // The other half of the seeds runs in simulation-second-half.test.ts (the runner runs two files at once).
  test(`simulation: seeds 1-${Math.ceil(seeds / 2)} of random faults keep invariants 1-4`, () => {
    let acked = 0;
    for (let seed = 1; seed <= Math.ceil(seeds / 2); seed++) {
      const r = runSeed(seed);
      if (r.violations.length > 0) assert.fail(report(r));
      acked += r.acked;
    }
    assert.ok(acked > (seeds / 2) * 100, 'the runs acknowledged writes (the client was served)');
  });

  test('simulation: with a witness, a crashed primary is replaced and writes are acknowledged within 1.5 s', () => {
    const gaps: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const r = runFailover(seed);
      assert.deepEqual(r.violations, [], r.trace.slice(-60).join('\n'));
      assert.ok(r.gapMs !== null, `seed ${seed}: no write acknowledged after the primary crashed\n${r.trace.slice(-60).join('\n')}`);
      gaps.push(r.gapMs);
    }
    gaps.sort((a, b) => a - b);
    assert.ok(gaps[gaps.length - 1]! <= 1500, `worst gap ${gaps[gaps.length - 1]} ms`);
    console.log(`# failover gap (simulated): median ${Math.round(gaps[gaps.length >> 1]!)} ms, worst ${Math.round(gaps[gaps.length - 1]!)} ms`);
  });
}
