// What each haresources resource was last seen doing, from the actions the group executor ran (its
// onRun hook): for `pgbeat status`-style metrics, and counts of actions by outcome. Pure bookkeeping.
import { OCF_NOT_RUNNING, OCF_RUNNING_MASTER, OCF_SUCCESS } from '../../ocf/exit-codes.ts';
import type { GroupConfig, ResourceSpec } from '../config/cluster-config.ts';
import type { ResourceAction } from '../ports.ts';

/** A resource's state as its last telling action left it (unknown until one ran). */
export type ResourceState = 'started' | 'promoted' | 'stopped' | 'failed' | 'unknown';

/** Every state, in the order metrics list them. */
export const RESOURCE_STATES: readonly ResourceState[] = ['started', 'promoted', 'stopped', 'failed', 'unknown'];

/** The state after `action` finished with `code` (`ok`: the plan counted it a success). */
export const stateAfter = (prev: ResourceState, action: ResourceAction, code: number, ok: boolean): ResourceState => {
  switch (action) {
    case 'start': return ok ? 'started' : 'failed';
    case 'stop': return ok ? 'stopped' : 'failed';
    case 'promote': return ok ? 'promoted' : 'failed';
    case 'demote': return ok ? 'started' : 'failed';
    case 'monitor':
    case 'status':
      if (code === OCF_SUCCESS) return 'started';
      if (code === OCF_RUNNING_MASTER) return 'promoted';
      if (code === OCF_NOT_RUNNING) return 'stopped';
      return 'failed';
    default: return prev; // notify, meta-data, validate-all say nothing about the state
  }
};

/** One resource's row. */
export interface ResourceRow {
  group: string;
  resource: string;
  state: ResourceState;
}

/** Actions run so far by group, resource, action and result. */
export interface ActionCount {
  group: string;
  resource: string;
  action: ResourceAction;
  result: 'ok' | 'failed' | 'timeout';
  count: number;
}

/** The book of resource states and action counts of a node's groups. */
export interface ResourceBook {
  /** Records one finished action (the executor's StepRun, reduced to what matters here). */
  record(run: { step: { resource: ResourceSpec; action: ResourceAction }; result: { code: number; timedOut: boolean }; ok: boolean }): void;
  rows(): ResourceRow[];
  actions(): ActionCount[];
}

/** An empty book over the configured groups (every resource unknown). */
export const newResourceBook = (groups: readonly GroupConfig[]): ResourceBook => {
  const rows: ResourceRow[] = groups.flatMap((g) => g.resources.map((r) => ({ group: g.key, resource: r.text, state: 'unknown' as ResourceState })));
  const specs = groups.flatMap((g) => g.resources);
  const counts = new Map<string, ActionCount>();
  const rowOf = (r: ResourceSpec): ResourceRow | undefined => {
    const i = specs.indexOf(r);
    return i >= 0 ? rows[i] : rows.find((row) => row.resource === r.text);
  };
  return {
    record(run) {
      const row = rowOf(run.step.resource);
      if (row === undefined) return;
      row.state = stateAfter(row.state, run.step.action, run.result.code, run.ok);
      const result = run.ok ? 'ok' : run.result.timedOut ? 'timeout' : 'failed';
      const key = JSON.stringify([row.group, row.resource, run.step.action, result]);
      const c = counts.get(key) ?? { group: row.group, resource: row.resource, action: run.step.action, result, count: 0 };
      counts.set(key, { ...c, count: c.count + 1 });
    },
    rows: () => rows.map((r) => ({ ...r })),
    actions: () => [...counts.values()],
  };
};
