// What carrying out a plan produced: every call with its result, and a verdict with a sentence.
import type { ActionResult } from '../ports.ts';
import type { GroupPlan, PlanStep } from './group-plan.ts';

/** One step as run (a retried step appears once per attempt). */
export interface StepRun {
  step: PlanStep;
  attempt: number;
  result: ActionResult;
  ok: boolean;
}

/**
 * done: every step succeeded (ignored failures aside). hand-over: a take failed and what it started
 * was given up; the peer should take the group. fail-over: a restart in place failed and the group
 * was given up. needs-fencing: a stop or demote failed twice; the resource may still run here, so
 * the peer must fence this node before taking the group. failed: a prepare failed (nothing to undo).
 */
export type Verdict = 'done' | 'hand-over' | 'fail-over' | 'needs-fencing' | 'failed';

/** The outcome of a plan (and of the give-up plan an abort ran). */
export interface PlanOutcome {
  plan: GroupPlan;
  verdict: Verdict;
  runs: StepRun[];
  /** The step that aborted the plan or needs fencing. */
  failed?: StepRun | undefined;
  /** The give-up plan run after an abort. */
  giveUp?: PlanOutcome | undefined;
  sentence: string;
}

/** "promote postgresql_x failed (code 1, Refusing to promote ...)" */
export const describeRun = (r: StepRun): string => {
  const why = r.result.timedOut ? `timed out after ${Math.round(r.result.durationMs)} ms` : `code ${r.result.code}`;
  return `${r.step.what} ${r.ok ? 'succeeded' : 'failed'} (${why}${r.result.reason ? `: ${r.result.reason}` : ''})`;
};

/** The verdict after a step with policy `abort` failed in `plan` (a give-up's own verdict aside). */
export const abortVerdict = (plan: GroupPlan): Verdict => (plan.kind === 'take' ? 'hand-over' : plan.kind === 'restart' ? 'fail-over' : 'failed');

/** The sentence of an outcome, for the log and status. */
export const outcomeSentence = (plan: GroupPlan, verdict: Verdict, failed: StepRun | undefined, giveUp: PlanOutcome | undefined): string => {
  switch (verdict) {
    case 'done':
      return `${plan.reason}: done`;
    case 'needs-fencing': {
      const culprit = giveUp?.failed ?? failed;
      return `${plan.reason}: ${culprit ? describeRun(culprit) : 'a stop failed'} twice; it may still run here, so this node needs fencing before the peer takes ${plan.group}`;
    }
    case 'hand-over':
      return `${plan.reason}: ${failed ? describeRun(failed) : 'a step failed'}; gave up what had started, the group must be handed over`;
    case 'fail-over':
      return `${plan.reason}: ${failed ? describeRun(failed) : 'a step failed'}; gave up the group, fail over`;
    case 'failed':
      return `${plan.reason}: ${failed ? describeRun(failed) : 'a step failed'}`;
  }
};
