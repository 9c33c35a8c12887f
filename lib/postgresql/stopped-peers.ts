// Which peers a promotion need not ask because the cluster manager has already proved their
// PostgreSQL stopped. With notify=true, Pacemaker (checked on 2.1.5's scheduler) gives the promote
// action itself the transition's notification lists, and runs the promote only after every stop in
// those lists succeeded: a real stop (the agent said the server is down) or, for a lost node, the
// pseudo-stop implied by a confirmed fencing. A node in the stop list is therefore down when the
// promote runs, unless the same transition starts it again (a recovery: stop then start). Only that
// list is evidence. A node merely absent from the active list (a node lost with stonith disabled
// is "inactive" without any fencing) or from any other list is not, and is asked as before.
import type { Notification } from '../ocf/notify.ts';

/** A configured peer the promotion leaves unasked, and why. */
export interface StoppedPeer {
  name: string;
  evidence: string;
}

/** What the decision reads: the promote's notification lists, this node, the configured peer names. */
export interface StoppedPeersInput {
  notification: Notification;
  self: string;
  peers: readonly string[];
  /** The action being run; only a promote carries lists that describe its own transition. */
  action: string;
  mode: 'promotable' | 'primitive';
}

/**
 * The peers this promotion may skip: listed in notify_stop_uname and not in notify_start_uname or
 * notify_promote_uname, when the lists are a promote's own (a promotable promote whose promote list
 * names this node). Anything else gives none, so every peer is asked and judged as before.
 */
export const stoppedPeers = (i: StoppedPeersInput): StoppedPeer[] => {
  const n = i.notification;
  if (i.action !== 'promote' || i.mode !== 'promotable' || n.type !== undefined) return [];
  if (!n.unames.promote.includes(i.self)) return [];
  const restarted = new Set([...n.unames.start, ...n.unames.promote]);
  return i.peers
    .filter((name) => name !== i.self && n.unames.stop.includes(name) && !restarted.has(name))
    .map((name) => ({ name, evidence: 'stopped by the cluster before this promotion (notify_stop_uname)' }));
};
