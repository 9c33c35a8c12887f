// The one resource the manager drives through a promotable interface: pgbeat's postgresql agent,
// written `ocf:pgbeat:postgresql::name=value...` or, heartbeat-style, `pgbeat-postgresql::pgdata::
// primary_host::peers::name=value`. Whichever way it is written it runs in OCF form, with the
// environment Pacemaker gives a promotable clone, so the agent applies every promotion check it
// applies under Pacemaker.
import type { ResourceSpec } from '../config/cluster-config.ts';

/** The v1 script name pgbeat installs its postgresql agent under (/etc/ha.d/resource.d). */
export const PG_V1_SCRIPT = 'pgbeat-postgresql';

/** Whether `spec` is pgbeat's postgresql agent (promote/demote instead of start/stop of the group). */
export const isPostgresqlResource = (spec: ResourceSpec): boolean =>
  spec.kind === 'ocf' ? spec.provider === 'pgbeat' && spec.type === 'postgresql' : spec.name === PG_V1_SCRIPT;

// The agent's own v1 slots (lib/postgresql/params.ts pgFromV1Args): pgdata, primary_host, peers in
// order; `name=value` tokens name a parameter directly.
const V1_SLOTS = ['pgdata', 'primary_host', 'peers'];

/** The agent parameters of the postgresql resource, the manager's mode (promotable) imposed. */
export const postgresqlParams = (spec: ResourceSpec): Record<string, string> => {
  const out: Record<string, string> = {};
  if (spec.kind === 'ocf') Object.assign(out, spec.params);
  else {
    const slots = [...V1_SLOTS];
    for (const a of spec.args) {
      const named = /^([a-z_]+)=(.*)$/.exec(a);
      if (named) out[named[1]!] = named[2]!;
      else {
        const slot = slots.shift();
        if (slot) out[slot] = a;
      }
    }
  }
  // The manager starts a standby everywhere and promotes where the group is taken.
  out['mode'] = 'promotable';
  // The manager owns synchronous_standby_names (the agreed state: cleared only once the witness or the
  // standby's own word allows it); the agent's fallback would clear it on its own and lose commits.
  out['sync_mode'] = 'off';
  return out;
};

/**
 * The meta attributes Pacemaker passes a promotable clone of two instances, one promoted, with
 * notifications (keys without the OCF_RESKEY_CRM_meta_ prefix). `clone` (the instance number) is
 * left out on purpose: the agent reads it as "under Pacemaker" and would call crm_attribute.
 */
export const promotableMeta = (node: string): Record<string, string> => ({
  promotable: 'true',
  clone_max: '2',
  clone_node_max: '1',
  promoted_max: '1',
  promoted_node_max: '1',
  master_max: '1',
  master_node_max: '1',
  notify: 'true',
  globally_unique: 'false',
  on_node: node,
});

/** A promote notification as the cluster sees it: who is promoted, who else is active. */
export interface PromoteNotice {
  type: 'pre' | 'post';
  /** The node being promoted. */
  promoted: string;
  /** Every cluster node (both, in ha.cf order). */
  nodes: readonly string[];
  /** The resource instance name (OCF_RESOURCE_INSTANCE). */
  instance: string;
  /**
   * Nodes whose database the manager knows is stopped for this promotion: fencing confirmed, or the
   * node reported its own clean stop of the database. Passed as notify_stop_uname, the list in
   * which Pacemaker names them; the agent then does not wait for them (never: merely silent nodes).
   */
  stopped?: readonly string[] | undefined;
}

/**
 * The notify meta attributes of a pre/post-promote (keys without the prefix). Every node runs a
 * standby before a promotion, so all are active and unpromoted; after it, the promoted one moved.
 */
export const promoteNotifyMeta = (n: PromoteNotice): Record<string, string> => {
  const list = (names: readonly string[]): string => (names.length ? names.join(' ') : ' ');
  const resources = (names: readonly string[]): string => list(names.map(() => n.instance));
  const others = n.nodes.filter((x) => x !== n.promoted);
  const stopped = (n.stopped ?? []).filter((x) => x !== n.promoted && n.nodes.includes(x));
  const unpromoted = n.type === 'pre' ? n.nodes : others;
  const promoted = n.type === 'pre' ? [] : [n.promoted];
  return {
    notify_type: n.type,
    notify_operation: 'promote',
    notify_key_type: n.type === 'pre' ? 'pre' : 'post',
    notify_key_operation: 'promoted',
    notify_promote_uname: n.promoted,
    notify_promote_resource: n.instance,
    notify_demote_uname: ' ',
    notify_demote_resource: ' ',
    notify_start_uname: ' ',
    notify_start_resource: ' ',
    notify_stop_uname: list(stopped),
    notify_stop_resource: resources(stopped),
    notify_active_uname: list(n.nodes),
    notify_active_resource: resources(n.nodes),
    notify_promoted_uname: list(promoted),
    notify_promoted_resource: resources(promoted),
    notify_master_uname: list(promoted),
    notify_master_resource: resources(promoted),
    notify_unpromoted_uname: list(unpromoted),
    notify_unpromoted_resource: resources(unpromoted),
    notify_slave_uname: list(unpromoted),
    notify_slave_resource: resources(unpromoted),
    notify_inactive_resource: ' ',
    notify_available_uname: list(n.nodes),
    notify_all_uname: list(n.nodes),
    notify_all_hosts: list(n.nodes),
  };
};

/**
 * The meta attributes of the promote itself (keys without the prefix): as Pacemaker does for a clone
 * with notifications, the lists of the pre-promote notification without notify_type and
 * notify_operation, so the agent reads the same evidence (notify_stop_uname) in the promote.
 */
export const promoteActionMeta = (n: Omit<PromoteNotice, 'type'>): Record<string, string> => {
  const { notify_type: _t, notify_operation: _o, notify_key_type: _kt, notify_key_operation: _ko, ...lists } = promoteNotifyMeta({ ...n, type: 'pre' });
  return lists;
};

/**
 * The agent's `peers` value without `node` ("a=host,b=host" -> "a=host"): what the manager passes to
 * a promotion when it knows that peer is down (dead past its lease, or fenced), so the agent does
 * not spend its connect timeout asking a dead machine where it stands. The core's proof stands in for
 * that answer: it promotes only a node the agreed state names synchronous, which holds every
 * acknowledged commit.
 */
export const peersWithout = (peers: string, node: string): string =>
  peers.split(',').map((p) => p.trim()).filter((p) => p !== '' && p.split('=')[0]!.trim().toLowerCase() !== node.toLowerCase()).join(',');

/**
 * Extra environment for a start or demote of the postgresql resource: with `peers` set, primary_host
 * is left out (empty), so the agent looks for the running primary among the peers alone. primary_host
 * is normally the service address, which is down while this node restarts its own primary, hands it
 * over or follows: asking it first costs a connect timeout (2 s) for nothing. Without peers it stays
 * (it is where a standby streams from).
 */
export const standbySourceEnv = (spec: ResourceSpec): Record<string, string> | undefined => {
  const p = postgresqlParams(spec);
  return p['peers'] && p['primary_host'] ? { OCF_RESKEY_primary_host: '' } : undefined;
};
