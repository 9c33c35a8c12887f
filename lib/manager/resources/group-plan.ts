// Group plans: what taking, releasing, preparing, monitoring or restarting a haresources group means,
// as data (ordered steps, each with the codes that count as success and what a failure means) plus
// a sentence. The executor (io/plan-executor.ts) carries them out; nothing here runs anything.
import type { GroupConfig, ResourceSpec } from '../config/cluster-config.ts';
import type { ResourceAction } from '../ports.ts';
import { OCF_RUNNING_MASTER, OCF_SUCCESS } from '../../ocf/exit-codes.ts';
import { instanceName, metaEnv } from './invocation.ts';
import { isPostgresqlResource, peersWithout, postgresqlParams, promoteActionMeta, promoteNotifyMeta, standbySourceEnv } from './postgresql-resource.ts';

/**
 * What a failed step means. abort: stop the plan (and give up what it started); retry-then-fence:
 * try once more, then the node must be fenced before anyone else runs the resource; ignore: note it
 * and go on (notifications, monitors).
 */
export type FailurePolicy = 'abort' | 'retry-then-fence' | 'ignore';

/** One action of one resource of the group. */
export interface PlanStep {
  /** Position of the resource in the group (0 = leftmost). */
  index: number;
  resource: ResourceSpec;
  action: ResourceAction;
  /** Exit codes that count as success. */
  ok: number[];
  /** Extra environment for this call (notify and interval meta attributes). */
  env?: Record<string, string> | undefined;
  onFailure: FailurePolicy;
  /** For logs: "promote postgresql_var_lib_pg". */
  what: string;
  /** The executor asks its guard (the lease) right before this step and aborts the plan when it refuses. */
  guarded?: true | undefined;
}

/** The kinds of plan. */
export type PlanKind = 'take' | 'release' | 'prepare' | 'monitor' | 'restart' | 'give-up';

/** A plan: ordered steps and why. */
export interface GroupPlan {
  kind: PlanKind;
  /** The group's key (its first resource as written). */
  group: string;
  steps: PlanStep[];
  reason: string;
}

/** Who is in the cluster, for the postgresql agent's notifications. */
export interface ClusterView {
  node: string;
  nodes: readonly string[];
}

/** Whether `r` is a service address (IPaddr, IPaddr2, written OCF or v1 / bare IP). */
export const isAddressResource = (r: ResourceSpec): boolean => /^IPaddr2?$/.test(r.kind === 'ocf' ? r.type : r.name);

const label = (r: ResourceSpec): string => (isPostgresqlResource(r) ? instanceName(r) : r.text);

const step = (index: number, resource: ResourceSpec, action: ResourceAction, onFailure: FailurePolicy, ok: number[] = [OCF_SUCCESS], env?: Record<string, string>): PlanStep => {
  // postgresql's start and demote look for the running primary: among the peers alone when set.
  const source = isPostgresqlResource(resource) && (action === 'start' || action === 'demote') ? standbySourceEnv(resource) : undefined;
  return { index, resource, action, ok, env: source ? { ...env, ...source } : env, onFailure, what: `${action} ${label(resource)}` };
};

const notify = (index: number, r: ResourceSpec, type: 'pre' | 'post', c: ClusterView, stopped: readonly string[]): PlanStep => ({
  ...step(index, r, 'notify', 'ignore', [OCF_SUCCESS], metaEnv(promoteNotifyMeta({ type, promoted: c.node, nodes: c.nodes, instance: instanceName(r), stopped }))),
  what: `notify ${type}-promote ${label(r)}`,
});

// The promote carries the notification lists only when there is evidence to pass (as before otherwise).
const promote = (index: number, r: ResourceSpec, c: ClusterView, stopped: readonly string[]): PlanStep =>
  step(index, r, 'promote', 'abort', [OCF_SUCCESS], stopped.length ? metaEnv(promoteActionMeta({ promoted: c.node, nodes: c.nodes, instance: instanceName(r), stopped })) : undefined);

/**
 * How postgresql is brought up. standbyRunning: the probe saw its standby running, so the idempotent
 * start (one agent process, ~60 ms) is left out. notify: run the pre/post-promote notifications
 * (default true; under pgbeat they publish nothing, since no Pacemaker attributes exist, but keep the
 * agent's Pacemaker path whole). stoppedPeers: nodes whose database is known stopped (fencing of
 * that node confirmed in this failover, or the node reported its own clean stop of the database); the
 * promote and its notifications name them in notify_stop_uname, and the agent's promotion check does
 * not wait a connect timeout for them. Never a node that is merely silent: that one must be asked.
 */
export interface BringUpOptions {
  standbyRunning?: boolean | undefined;
  notify?: boolean | undefined;
  stoppedPeers?: readonly string[] | undefined;
  /**
   * false: add OCF addresses without the duplicate-address probe (dad=false): the peer is known not to
   * hold them (dead, fenced, or it released the service). Default: the agent's own setting.
   */
  dad?: boolean | undefined;
  /** Mark the promote and every address start as guarded (the take is bound to the lease). */
  guarded?: boolean | undefined;
  /** The peer is known down: the promotion does not ask it where it stands (postgresql-resource.ts peersWithout). */
  peerDown?: string | undefined;
}

// The promote with the peer known down: the agent's peers without it (postgresql-resource.ts peersWithout).
const withPeerDown = (s: PlanStep, r: ResourceSpec, peerDown: string | undefined): PlanStep => {
  const peers = postgresqlParams(r)['peers'];
  return peerDown === undefined || peers === undefined ? s : { ...s, env: { ...s.env, OCF_RESKEY_peers: peersWithout(peers, peerDown) } };
};

/** The steps that bring resource `i` up where the group runs: start, or for postgresql start (standby, idempotent) and promote. */
const bringUp = (i: number, r: ResourceSpec, c: ClusterView, o: BringUpOptions = {}): PlanStep[] => {
  const guard = (s: PlanStep): PlanStep => (o.guarded ? { ...s, guarded: true } : s);
  if (isAddressResource(r)) {
    const env = o.dad === false && r.kind === 'ocf' ? { OCF_RESKEY_dad: 'false' } : undefined;
    return [guard(step(i, r, 'start', 'abort', [OCF_SUCCESS], env))];
  }
  if (!isPostgresqlResource(r)) return [step(i, r, 'start', 'abort')];
  const notifying = o.notify !== false;
  const stopped = o.stoppedPeers ?? [];
  return [
    ...(o.standbyRunning ? [] : [step(i, r, 'start', 'abort')]),
    ...(notifying ? [notify(i, r, 'pre', c, stopped)] : []),
    guard(withPeerDown(promote(i, r, c, stopped), r, o.peerDown)),
    ...(notifying ? [notify(i, r, 'post', c, stopped)] : []),
  ];
};

/** The step that takes resource `i` down: stop, or for postgresql demote (it stays a standby) unless `stopDatabase`. */
const bringDown = (i: number, r: ResourceSpec, stopDatabase: boolean): PlanStep =>
  step(i, r, isPostgresqlResource(r) && !stopDatabase ? 'demote' : 'stop', 'retry-then-fence');

const names = (steps: readonly PlanStep[]): string => steps.filter((s) => s.action !== 'notify').map((s) => s.what).join(', ');

/** Take the group here: resources left to right; postgresql's running standby is promoted. */
export const takePlan = (g: GroupConfig, c: ClusterView, o: BringUpOptions = {}): GroupPlan => {
  const steps = g.resources.flatMap((r, i) => bringUp(i, r, c, o));
  return { kind: 'take', group: g.key, steps, reason: `take ${g.key} on ${c.node}: ${names(steps) || 'nothing to start'}, left to right` };
};

/** How a group is released: stopDatabase (stop postgresql, not demote); addressFirst (the addresses go before anything else). */
export interface ReleaseOptions {
  stopDatabase?: boolean | undefined;
  /** The lease is ending: clients must lose the service address before anything slower runs. */
  addressFirst?: boolean | undefined;
}

/**
 * Release the group: resources right to left; postgresql is demoted to a standby unless
 * `stopDatabase`. addressFirst: the addresses go first, whatever their place in the group.
 */
export const releasePlan = (g: GroupConfig, opts: ReleaseOptions = {}): GroupPlan => {
  const all = g.resources.map((r, i) => bringDown(i, r, opts.stopDatabase === true)).reverse();
  const steps = opts.addressFirst ? [...all.filter((s) => isAddressResource(s.resource)), ...all.filter((s) => !isAddressResource(s.resource))] : all;
  const order = opts.addressFirst ? 'addresses first, then right to left' : 'right to left';
  return { kind: 'release', group: g.key, steps, reason: `release ${g.key}: ${names(steps) || 'nothing to stop'}, ${order}` };
};

/** Only the group's addresses down (the urgent part of a release, run at once even beside another action). */
export const dropAddressesPlan = (g: GroupConfig): GroupPlan => {
  const steps = g.resources.map((r, i) => [i, r] as const).filter(([, r]) => isAddressResource(r)).reverse().map(([i, r]) => bringDown(i, r, true));
  return { kind: 'release', group: g.key, steps, reason: `drop the addresses of ${g.key}: ${names(steps) || 'none'}` };
};

/** On the node that does not hold the group: run postgresql as a standby (the promotable start); nothing else. */
export const preparePlan = (g: GroupConfig): GroupPlan => {
  const steps = g.resources.flatMap((r, i) => (isPostgresqlResource(r) ? [step(i, r, 'start', 'abort')] : []));
  return {
    kind: 'prepare', group: g.key, steps,
    reason: steps.length ? `prepare ${g.key}: ${names(steps)} as a standby, ready to be promoted` : `prepare ${g.key}: no database resource, nothing runs before the group is taken`,
  };
};

/**
 * One round of monitoring. Where the group is held every resource is checked (OCF monitor with the
 * interval, v1 status; postgresql must answer promoted); elsewhere only postgresql, which must be a
 * running standby.
 */
export const monitorPlan = (g: GroupConfig, held: boolean, intervalMs: number): GroupPlan => {
  const interval = metaEnv({ interval: String(intervalMs) });
  const steps = g.resources.flatMap((r, i): PlanStep[] => {
    if (isPostgresqlResource(r)) return [step(i, r, 'monitor', 'ignore', [held ? OCF_RUNNING_MASTER : OCF_SUCCESS], interval)];
    if (!held) return [];
    return [r.kind === 'v1' ? step(i, r, 'status', 'ignore') : step(i, r, 'monitor', 'ignore', [OCF_SUCCESS], interval)];
  });
  return { kind: 'monitor', group: g.key, steps, reason: `monitor ${g.key} (${held ? 'held here' : 'standby side'}): ${names(steps) || 'nothing to check'}` };
};

/**
 * Restart in place from the failed resource on: the resources right of it and itself go down (right
 * to left; postgresql is stopped, a crashed primary cannot be demoted), then come up again left to
 * right, as Pacemaker restarts a group member. On the standby side only postgresql restarts.
 */
export const restartPlan = (g: GroupConfig, failedIndex: number, held: boolean, c: ClusterView): GroupPlan => {
  const affected = g.resources.map((r, i) => [i, r] as const).filter(([i, r]) => i >= failedIndex && (held || isPostgresqlResource(r)));
  const down = [...affected].reverse().map(([i, r]) => bringDown(i, r, true));
  const up = affected.flatMap(([i, r]) => (held ? bringUp(i, r, c) : [step(i, r, 'start', 'abort')]));
  const steps = [...down, ...up];
  return { kind: 'restart', group: g.key, steps, reason: `restart ${g.key} in place from ${label(g.resources[failedIndex] ?? g.resources[0]!)}: ${names(steps)}` };
};

/**
 * After an aborted take or restart: give up what may run. Every resource up to the failed one (the
 * whole group after a restart) goes down right to left; a stop of a stopped resource succeeds.
 * postgresql is demoted when a promote was attempted; after a failed take without one it is left
 * alone (a standby that failed to start is nothing to fence); after a failed restart it is stopped.
 */
export const giveUpPlan = (plan: GroupPlan, attempted: readonly PlanStep[], g: GroupConfig): GroupPlan => {
  const last = attempted[attempted.length - 1];
  const upTo = plan.kind === 'restart' ? g.resources.length - 1 : (last?.index ?? -1);
  const promoted = new Set(attempted.filter((s) => s.action === 'promote').map((s) => s.index));
  const steps = g.resources
    .map((r, i) => [i, r] as const)
    .filter(([i]) => i <= upTo)
    .reverse()
    .flatMap(([i, r]) => {
      if (!isPostgresqlResource(r)) return [bringDown(i, r, true)];
      if (promoted.has(i)) return [bringDown(i, r, false)];
      return plan.kind === 'restart' ? [bringDown(i, r, true)] : [];
    });
  return { kind: 'give-up', group: g.key, steps, reason: `give up ${g.key} after the failed ${plan.kind}: ${names(steps) || 'nothing had started'}` };
};
