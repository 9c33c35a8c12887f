// What the decision core needs to know about the cluster, derived from the parsed configuration.
import type { ClusterConfig } from '../config/cluster-config.ts';
import { isPostgresqlResource } from '../resources/postgresql-resource.ts';

/** Deliberately unsafe variants, only for proving that the simulation catches broken rules. */
export interface UnsafePolicy {
  /** Drop the synchronous standby when the peer looks dead, without witness, fence or the peer's word. */
  dropSyncWithoutProof?: boolean;
  /** Promote when the peer looks dead, without waiting for any lease promise to lapse. */
  ignoreLeases?: boolean;
  /** (Witness) grant a takeover while the primary's lease still runs. */
  witnessIgnoresLease?: boolean;
  /** The holder counts its lease three times too long (a clock or arithmetic error). */
  leaseTooLong?: boolean;
}

/** The core's configuration: names, timings (ms, monotonic) and policies. */
export interface CoreConfig {
  self: string;
  peer: string;
  /** This node's index among the two sorted names (epoch parity, tie-breaks). */
  selfIndex: number;
  /** Medium names, for per-link tracking. */
  links: string[];
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  /** Lease length L: what one acknowledged renewal is worth. */
  leaseMs: number;
  /** Worst relative clock rate error assumed between any two machines. */
  rho: number;
  /** Time from the lease check to the effect (core tick period plus dropping the address). */
  actMarginMs: number;
  /** How often the daemon ticks the core while anything moves. */
  tickMs: number;
  /**
   * The longest wait between ticks in the settled pair (next-tick.ts): ticks come at the next deadline,
   * at most this far apart. Unset: every tickMs.
   */
  idleTickMs?: number | undefined;
  /**
   * How often the settled standby reports to the witness (the primary renews its lease every
   * keepalive). Its reports renew nothing and no decision waits for them (a takeover asks the witness
   * at once): they keep its record of this node and its reachability fresh. Unset: every keepalive.
   */
  standbyReportMs?: number | undefined;
  witness: boolean;
  fence: boolean;
  /** sync_mode=strict: never SOLO; a new primary names the other node synchronous, so writes wait for it. */
  neverSolo?: boolean | undefined;
  autoFailback: 'on' | 'off' | 'legacy';
  /** The node the service prefers (haresources' first field of the first group). */
  preferred: string | null;
  /** How long the preferred node must be a synchronous, caught-up standby before auto_failback moves the service. */
  failbackDelayMs: number;
  /** How long a handover may take before the releasing side may take the service back. */
  handoverTimeoutMs: number;
  /** Extra wait of the standby before fencing the primary (no witness), so the primary wins fence races. */
  fenceSkewMs: number;
  /** How long to wait for a witness reply before asking again. */
  witnessTimeoutMs: number;
  /** How long to wait before retrying a failed resource action or fence. */
  retryMs: number;
  /**
   * PostgreSQL found not running as primary under the service (a crashed postmaster) is restarted in
   * place this many times within restartWindowMs; the next time the service goes to the synchronous
   * standby instead (when there is one that streams; otherwise it is restarted again).
   */
  maxRestarts?: number | undefined;
  restartWindowMs?: number | undefined;
  unsafe?: UnsafePolicy | undefined;
}

/** Core timings derived from heartbeat's own (keepalive, deadtime) with pgbeat's defaults. */
export const deriveTimings = (keepaliveMs: number, deadtimeMs: number) => {
  const tickMs = Math.max(5, Math.min(25, Math.floor(keepaliveMs / 4)));
  return {
    // T3: L*(1+rho) + keepalive <= deadtime; the longest such lease survives the most lost renewals.
    leaseMs: Math.floor((deadtimeMs - keepaliveMs) / 1.01),
    rho: 0.01,
    actMarginMs: tickMs + 25,
    tickMs,
    // Under half of deadtime/2, so a settled node's tick gap is never taken for its own pause (step.ts).
    idleTickMs: Math.max(tickMs, Math.min(keepaliveMs, Math.floor(deadtimeMs / 4))),
    // Two reports a deadtime: a reply stays within deadtime (the reachability status and metric).
    standbyReportMs: Math.max(keepaliveMs, Math.floor(deadtimeMs / 2)),
    failbackDelayMs: 4 * deadtimeMs,
    handoverTimeoutMs: Math.max(10_000, 4 * deadtimeMs),
    fenceSkewMs: deadtimeMs,
    witnessTimeoutMs: Math.max(2 * keepaliveMs, 100),
    retryMs: Math.max(deadtimeMs, 1000),
  };
};

/** The sync_mode the operator gave the postgresql resource (the agent itself runs with off under pgbeat). */
export const userSyncMode = (cluster: Pick<ClusterConfig, 'groups'>): string | undefined => {
  const spec = cluster.groups.flatMap((g) => g.resources).find(isPostgresqlResource);
  if (spec === undefined) return undefined;
  if (spec.kind === 'ocf') return spec.params['sync_mode'];
  return spec.args.find((a) => a.startsWith('sync_mode='))?.slice('sync_mode='.length);
};

/** The synchronous standby a new primary starts with: none (SOLO), or the other node under strict. */
export const takeSync = (cfg: Pick<CoreConfig, 'neverSolo' | 'peer'>): string | null => (cfg.neverSolo ? cfg.peer : null);

/** The core's configuration for `self` from the parsed cluster configuration. */
export const coreConfigFrom = (cluster: ClusterConfig, self: string, linkNames: string[]): CoreConfig => {
  const sorted = [...cluster.nodes].sort();
  const peer = cluster.nodes.find((n) => n !== self);
  if (peer === undefined) throw new RangeError(`Cannot run node '${self}': ha.cf names no second node`);
  return {
    self,
    peer,
    selfIndex: sorted.indexOf(self),
    links: linkNames,
    keepaliveMs: cluster.keepaliveMs,
    warntimeMs: cluster.warntimeMs,
    deadtimeMs: cluster.deadtimeMs,
    initdeadMs: cluster.initdeadMs,
    witness: cluster.witness !== undefined,
    fence: cluster.fence[peer] !== undefined,
    neverSolo: userSyncMode(cluster) === 'strict',
    autoFailback: cluster.autoFailback,
    preferred: cluster.groups[0]?.preferredNode ?? null,
    maxRestarts: cluster.maxRestarts ?? 3,
    ...deriveTimings(cluster.keepaliveMs, cluster.deadtimeMs),
  };
};
