// The resource side as the daemon uses it: take, release, prepare and check (monitor, restart in
// place while allowed, else "fail over") per haresources group, each carried out through the
// ResourceRunner. Actions on one group never overlap (a monitor round waits for a take to finish,
// as heartbeat runs one resource action at a time); different groups proceed independently.
import type { GroupConfig } from '../../config/cluster-config.ts';
import type { ResourceRunner } from '../../ports.ts';
import { dropAddressesPlan, monitorPlan, preparePlan, releasePlan, restartPlan, takePlan, type BringUpOptions, type ClusterView } from '../group-plan.ts';
import { judgeMonitor, recoveryDecision, type MonitorVerdict } from '../monitor-verdict.ts';
import type { PlanOutcome, StepRun } from '../plan-outcome.ts';
import { executePlan } from './plan-executor.ts';
import { isPostgresqlResource } from '../postgresql-resource.ts';

/** What the daemon configures. */
export interface GroupResourcesOptions {
  runner: ResourceRunner;
  /** This node and both node names (for the promote notifications). */
  cluster: ClusterView;
  /** ClusterConfig.actionTimeoutsMs (start, stop, monitor, promote, demote, notify; status uses monitor's). */
  timeoutsMs: Readonly<Record<string, number>>;
  /** ClusterConfig.monitorIntervalMs, passed to agents as the recurring monitor's interval. */
  monitorIntervalMs: number;
  /** Restarts in place before a failure means "fail over" (counted per group until it is taken or released again). */
  maxRestarts: number;
  /** Pause before retrying a failed stop (default 1 s, as heartbeat). */
  retryDelayMs?: number | undefined;
  /** Every finished action (one log line each). */
  onRun?: ((run: StepRun) => void) | undefined;
  /**
   * The core owns the postgresql resource where the group is held (it sees the probe, restarts in
   * place or hands over by the agreed state): a failed postgresql monitor there is 'deferred', never
   * restarted here, so two restarts never race.
   */
  coreOwnsDatabase?: boolean | undefined;
}

/** One check of a group: healthy; or restarted in place (with that outcome); or the group must fail over. */
export interface CheckOutcome {
  verdict: MonitorVerdict;
  /** healthy, restarted (in place, done), fail-over (restart limit reached or the restart failed and gave the group up), needs-fencing. */
  result: 'healthy' | 'restarted' | 'fail-over' | 'needs-fencing' | 'deferred';
  restart?: PlanOutcome | undefined;
  /** Restarts made so far for this group. */
  restarts: number;
  sentence: string;
}

/** The resource side of the daemon. */
export interface GroupResources {
  /**
   * Starts the group here (left to right; postgresql promoted). With `guard`, the promote and every
   * address start run only while it answers null (the lease). Verdicts: done, hand-over, needs-fencing.
   */
  take(g: GroupConfig, o?: BringUpOptions, guard?: () => string | null): Promise<PlanOutcome>;
  /**
   * Stops the group here (right to left; postgresql demoted unless stopDatabase). urgent: the
   * addresses are dropped at once, even while another action of the group runs, then the rest with
   * the addresses first. Verdicts: done, needs-fencing.
   */
  release(g: GroupConfig, o?: { stopDatabase?: boolean; urgent?: boolean }): Promise<PlanOutcome>;
  /** Where the group is not held: postgresql runs as a standby. Verdicts: done, failed. */
  prepare(g: GroupConfig): Promise<PlanOutcome>;
  /** One monitoring round; a failure is restarted in place up to maxRestarts times, then the answer is fail-over. */
  check(g: GroupConfig, held: boolean): Promise<CheckOutcome>;
  /** Restarts from resource `index` now (the fast probe saw the postmaster crash). Same answers as check. */
  restartNow(g: GroupConfig, index: number, held: boolean, why: string): Promise<CheckOutcome>;
}

/** The GroupResources over a runner. */
export const createGroupResources = (o: GroupResourcesOptions): GroupResources => {
  const timeoutsMs = { ...o.timeoutsMs, status: o.timeoutsMs['status'] ?? o.timeoutsMs['monitor'] ?? 20_000 };
  const exec = { runner: o.runner, timeoutsMs, retryDelayMs: o.retryDelayMs, onRun: o.onRun };
  const restarts = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();
  // One action at a time per group.
  const serial = <T>(g: GroupConfig, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(g.key) ?? Promise.resolve()).catch(() => undefined).then(fn);
    queues.set(g.key, next);
    return next;
  };

  const recover = async (g: GroupConfig, held: boolean, verdict: Extract<MonitorVerdict, { healthy: false }>): Promise<CheckOutcome> => {
    const done = restarts.get(g.key) ?? 0;
    const decision = recoveryDecision(g.key, done, o.maxRestarts);
    if (decision.action === 'fail-over') return { verdict, result: 'fail-over', restarts: done, sentence: `${verdict.sentence}; ${decision.sentence}` };
    restarts.set(g.key, done + 1);
    const restart = await executePlan(restartPlan(g, verdict.failedIndex, held, o.cluster), g, exec);
    const result = restart.verdict === 'done' ? 'restarted' : restart.verdict === 'needs-fencing' ? 'needs-fencing' : 'fail-over';
    return { verdict, result, restart, restarts: done + 1, sentence: `${verdict.sentence}; ${decision.sentence}: ${restart.sentence}` };
  };

  return {
    take: (g, bringUp, guard) => serial(g, () => {
      restarts.delete(g.key);
      return executePlan(takePlan(g, o.cluster, { ...bringUp, guarded: guard !== undefined }), g, { ...exec, guard });
    }),
    release: async (g, opts = {}) => {
      // Outside the queue: clients lose the address now, not after a promote or monitor in progress.
      const dropped = opts.urgent ? await executePlan(dropAddressesPlan(g), g, exec) : undefined;
      const rest = await serial(g, () => {
        restarts.delete(g.key);
        return executePlan(releasePlan(g, { stopDatabase: opts.stopDatabase, addressFirst: opts.urgent }), g, exec);
      });
      return dropped?.verdict === 'needs-fencing' && rest.verdict === 'done' ? dropped : rest;
    },
    prepare: (g) => serial(g, () => executePlan(preparePlan(g), g, exec)),
    check: (g, held) => serial(g, async () => {
      const round = await executePlan(monitorPlan(g, held, o.monitorIntervalMs), g, exec);
      const verdict = judgeMonitor(g.key, round.runs);
      if (verdict.healthy) return { verdict, result: 'healthy', restarts: restarts.get(g.key) ?? 0, sentence: verdict.sentence };
      const failed = g.resources[verdict.failedIndex];
      if (o.coreOwnsDatabase && held && failed !== undefined && isPostgresqlResource(failed)) {
        return { verdict, result: 'deferred', restarts: restarts.get(g.key) ?? 0, sentence: `${verdict.sentence}; left to the core (it restarts or hands over by the agreed state)` };
      }
      return recover(g, held, verdict);
    }),
    restartNow: (g, index, held, why) => serial(g, () =>
      recover(g, held, { healthy: false, failedIndex: index, code: -1, sentence: `${g.key}: ${why}` })),
  };
};
