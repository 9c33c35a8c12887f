// Carries a group plan out through a ResourceRunner: steps in order, each with its action's timeout;
// a failed `abort` step ends the plan and runs the give-up plan; a failed `retry-then-fence` step is
// tried once more, then the outcome says the node needs fencing (the remaining stops still run, so
// as little as possible stays up). Returns the outcome with a sentence; never throws.
import type { GroupConfig } from '../../config/cluster-config.ts';
import type { ActionResult, ResourceRunner } from '../../ports.ts';
import { OCF_ERR_GENERIC } from '../../../ocf/exit-codes.ts';
import { giveUpPlan, type GroupPlan, type PlanStep } from '../group-plan.ts';
import { abortVerdict, outcomeSentence, type PlanOutcome, type StepRun, type Verdict } from '../plan-outcome.ts';

/** How the executor runs steps. */
export interface ExecutorOptions {
  runner: ResourceRunner;
  /** Timeout per action name (start, stop, monitor, promote, demote, notify...). */
  timeoutsMs: Readonly<Record<string, number>>;
  /** When an action has no entry in timeoutsMs. */
  defaultTimeoutMs?: number | undefined;
  /** Pause before retrying a failed stop (heartbeat waits 1 s). */
  retryDelayMs?: number | undefined;
  /** Told of every finished call (for the log line per action). */
  onRun?: ((run: StepRun) => void) | undefined;
  /** Asked right before every guarded step: null to go on, or why the plan must stop (the lease ended). */
  guard?: (() => string | null) | undefined;
}

const runStep = async (s: PlanStep, attempt: number, o: ExecutorOptions): Promise<StepRun> => {
  const timeoutMs = o.timeoutsMs[s.action] ?? o.defaultTimeoutMs ?? 60_000;
  let result: ActionResult;
  try {
    result = await o.runner.run(s.resource, s.action, { timeoutMs, env: s.env });
  } catch (e) {
    // The port promises never to throw; a broken adapter still must not end the daemon's loop.
    result = { code: OCF_ERR_GENERIC, timedOut: false, durationMs: 0, reason: `the runner threw: ${(e as Error).message}` };
  }
  const run: StepRun = { step: s, attempt, result, ok: !result.timedOut && s.ok.includes(result.code) };
  o.onRun?.(run);
  return run;
};

const refusedRun = (s: PlanStep, why: string, o: ExecutorOptions): StepRun => {
  const run: StepRun = { step: s, attempt: 1, result: { code: OCF_ERR_GENERIC, timedOut: false, durationMs: 0, reason: `not run: ${why}` }, ok: false };
  o.onRun?.(run);
  return run;
};

/** Runs `plan` for group `g`; the give-up plan after an abort is run (and reported) too. */
export const executePlan = async (plan: GroupPlan, g: GroupConfig, o: ExecutorOptions): Promise<PlanOutcome> => {
  const runs: StepRun[] = [];
  const attempted: PlanStep[] = [];
  let fencing: StepRun | undefined;
  for (const s of plan.steps) {
    // A refused step never ran: the give-up plan does not count it as attempted.
    const refused = s.guarded ? o.guard?.() ?? null : null;
    if (refused === null) attempted.push(s);
    let run = refused === null
      ? await runStep(s, 1, o)
      : refusedRun(s, refused, o);
    runs.push(run);
    if (run.ok || s.onFailure === 'ignore') continue;
    if (s.onFailure === 'retry-then-fence') {
      await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 1_000));
      run = await runStep(s, 2, o);
      runs.push(run);
      if (!run.ok) fencing ??= run;
      continue;
    }
    // abort: give up what may run, unless this plan is itself the give-up.
    const giveUp = plan.kind === 'give-up' ? undefined : await executePlan(giveUpPlan(plan, attempted, g), g, o);
    const verdict: Verdict = giveUp?.verdict === 'needs-fencing' ? 'needs-fencing' : abortVerdict(plan);
    return { plan, verdict, runs, failed: run, giveUp, sentence: outcomeSentence(plan, verdict, run, giveUp) };
  }
  const verdict: Verdict = fencing ? 'needs-fencing' : 'done';
  return { plan, verdict, runs, failed: fencing, sentence: outcomeSentence(plan, verdict, fencing, undefined) };
};
