// Reading one monitoring round, and whether a failure is restarted in place or failed over.
import type { StepRun } from './plan-outcome.ts';
import { describeRun } from './plan-outcome.ts';

/** A monitoring round judged: healthy, or the leftmost failed resource. */
export type MonitorVerdict =
  | { healthy: true; sentence: string }
  | { healthy: false; failedIndex: number; code: number; sentence: string };

/** Healthy when every check answered one of its expected codes; else names the leftmost failure. */
export const judgeMonitor = (group: string, runs: readonly StepRun[]): MonitorVerdict => {
  const bad = runs.filter((r) => !r.ok).sort((a, b) => a.step.index - b.step.index)[0];
  if (!bad) return { healthy: true, sentence: `${group}: ${runs.length} resource(s) healthy` };
  return {
    healthy: false,
    failedIndex: bad.step.index,
    code: bad.result.code,
    sentence: `${group}: ${describeRun(bad)}, expected ${bad.step.ok.join(' or ')}`,
  };
};

/** What to do about a failed resource. */
export interface RecoveryDecision {
  action: 'restart' | 'fail-over';
  sentence: string;
}

/** Restart in place while fewer than `maxRestarts` restarts were made since the group was last healthy for good; then fail over. */
export const recoveryDecision = (group: string, restartsSoFar: number, maxRestarts: number): RecoveryDecision =>
  restartsSoFar < maxRestarts
    ? { action: 'restart', sentence: `${group}: restart in place (${restartsSoFar + 1} of ${maxRestarts})` }
    : { action: 'fail-over', sentence: `${group}: ${restartsSoFar} restart(s) in place did not help (limit ${maxRestarts}); fail over` };
