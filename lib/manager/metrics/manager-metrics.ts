// The manager's metrics (`pgbeat start --metrics`): the status report, the packet drop counters, the
// media's counters, the resource book and the operation counters turned into Prometheus families, all
// named pgbeat_*.
import type { PgReport } from '../core/pg-report.ts';
import type { StatusReport } from '../core/status.ts';
import { DROP_CAUSES, type DropCounters } from '../wire/drop-cause.ts';
import type { MetricFamily, Sample } from './exposition.ts';
import type { OpCount } from './op-counters.ts';
import { RESOURCE_STATES, type ActionCount, type ResourceRow } from './resource-states.ts';

/** One medium's own counters (this node's side: its port or socket), as `pgbeat status --json` lists them under `media`. */
export interface MediumCounters {
  /** The ha.cf medium line ("ucast eth1 198.51.100.2:694", "serial /dev/ttyS0"). */
  name: string;
  /** Whether its port or socket is open now. */
  open: boolean;
  openAttempts: number;
  openFailures: number;
  sent: number;
  sendFailures: number;
  received: number;
}

/** Everything one scrape shows. */
export interface MetricsSnapshot {
  version: string;
  status: StatusReport;
  drops: DropCounters;
  media: readonly MediumCounters[];
  /** haresources groups by key. */
  groups: readonly string[];
  resources: readonly ResourceRow[];
  actions: readonly ActionCount[];
  ops: readonly OpCount[];
  /** The witness counts as reachable while its last reply is younger than this (deadtime). */
  witnessFreshMs: number;
}

const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name: `pgbeat_${name}`, help, type: 'gauge', samples });
const counter = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name: `pgbeat_${name}_total`, help, type: 'counter', samples });
const bool = (b: boolean): number => (b ? 1 : 0);
const seconds = (ms: number | null, labels?: Record<string, string>): Sample[] => (ms === null ? [] : [{ labels, value: ms / 1000 }]);

/** The heartbeat link name of a medium: its interface or device ("ucast eth1 198.51.100.2:694" -> eth1, "bcast eth0:694" -> eth0, "serial /dev/ttyS0" -> /dev/ttyS0). */
export const linkDevice = (medium: string): string => {
  const [kind, dev] = medium.split(' ');
  if (dev === undefined) return medium;
  return kind === 'bcast' ? dev.replace(/:\d+$/, '') : dev;
};

const PG_ROLES = ['primary', 'standby', 'stopped', 'unknown'] as const;

const pgFamilies = (s: StatusReport): MetricFamily[] => {
  const nodes: [string, PgReport | null][] = [[s.node, s.pg], [s.peer.name, s.peer.pg]];
  const known = nodes.filter((n): n is [string, PgReport] => n[1] !== null);
  const primary = known.find(([, p]) => p.role === 'primary')?.[1];
  const lag = (kind: 'flushed' | 'replayed'): Sample[] => (primary === undefined ? [] : known
    .filter(([, p]) => p.role === 'standby' && p.timeline === primary.timeline)
    .map(([node, p]) => ({ labels: { node, kind }, value: Math.max(0, primary.flushedLsn - (kind === 'flushed' ? p.flushedLsn : p.replayedLsn)) })));
  return [
    gauge('postgresql_role', 'PostgreSQL role of each node as last reported (1 for the current role); the peer\'s from its heartbeats', nodes.flatMap(([node, p]) =>
      PG_ROLES.map((role) => ({ labels: { node, role }, value: bool((p?.role ?? 'unknown') === role) })))),
    gauge('postgresql_timeline', 'PostgreSQL timeline of each node', known.map(([node, p]) => ({ labels: { node }, value: p.timeline }))),
    gauge('postgresql_flushed_lsn_bytes', 'Flushed WAL position of each node (bytes)', known.map(([node, p]) => ({ labels: { node }, value: p.flushedLsn }))),
    gauge('postgresql_replayed_lsn_bytes', 'Replayed WAL position of each node (bytes)', known.map(([node, p]) => ({ labels: { node }, value: p.replayedLsn }))),
    gauge('postgresql_streaming', 'Whether a standby\'s WAL receiver streams from the primary', known.filter(([, p]) => p.role === 'standby').map(([node, p]) => ({ labels: { node }, value: bool(p.streaming) }))),
    gauge('postgresql_lag_bytes', 'How far a standby on the primary\'s timeline is behind the primary\'s flushed position (kind: flushed or replayed)', [...lag('flushed'), ...lag('replayed')]),
  ];
};

const mediaFamilies = (media: readonly MediumCounters[]): MetricFamily[] => {
  const each = (value: (c: MediumCounters) => number): Sample[] => media.map((c) => ({ labels: { link: c.name, device: linkDevice(c.name) }, value: value(c) }));
  return [
    gauge('medium_open', 'Whether this node\'s port or socket of a heartbeat medium is open now (link_up says whether the peer is heard on it)', each((c) => bool(c.open))),
    counter('medium_open_attempts', 'Attempts to open a medium\'s port or socket (the first and each reopen after a failure)', each((c) => c.openAttempts)),
    counter('medium_open_failures', 'Attempts to open a medium\'s port or socket that failed', each((c) => c.openFailures)),
    counter('medium_sent_frames', 'Frames sent on a medium', each((c) => c.sent)),
    counter('medium_send_failures', 'Frames a medium failed to send (not open, or the send failed)', each((c) => c.sendFailures)),
    counter('medium_received_frames', 'Frames received on a medium, before any check', each((c) => c.received)),
  ];
};

const arbitrationMode = (s: StatusReport): string => (s.witness.configured ? 'witness' : s.fence ? 'fence' : 'none');

/** Every family of one scrape, in a stable order. */
export const managerMetrics = (m: MetricsSnapshot): MetricFamily[] => {
  const s = m.status;
  const a = s.agreed;
  const nodes = [s.node, s.peer.name];
  return [
    gauge('info', 'pgbeat version and node names (always 1)', [{ labels: { version: m.version, node: s.node, peer: s.peer.name }, value: 1 }]),
    gauge('node_up', 'Whether a node is up: this node always, the peer while a fresh heartbeat arrives on some link', [{ labels: { node: s.node }, value: 1 }, { labels: { node: s.peer.name }, value: bool(s.peer.alive) }]),
    gauge('peer_last_heard_seconds', 'Seconds since the last heartbeat from the peer on any link', seconds(s.peer.lastHeardMsAgo, { node: s.peer.name })),
    gauge('link_up', 'Whether the peer is heard on a heartbeat link', s.links.map((l) => ({ labels: { link: l.name, device: linkDevice(l.name) }, value: bool(l.up) }))),
    gauge('link_last_heard_seconds', 'Seconds since the last heartbeat from the peer on a link', s.links.flatMap((l) => seconds(l.lastHeardMsAgo, { link: l.name, device: linkDevice(l.name) }))),
    ...mediaFamilies(m.media),
    counter('dropped_packets', 'Received frames dropped, by cause (duplicate: the same packet on another link; own: our own broadcast)', DROP_CAUSES.map((cause) => ({ labels: { cause }, value: m.drops[cause] }))),
    gauge('witness_configured', 'Whether ha.cf names a witness', [{ value: bool(s.witness.configured) }]),
    gauge('witness_reachable', 'Whether the witness replied within deadtime', s.witness.configured ? [{ value: bool(s.witness.lastReplyMsAgo !== null && s.witness.lastReplyMsAgo <= m.witnessFreshMs) }] : []),
    gauge('witness_last_reply_seconds', 'Seconds since the witness last replied', seconds(s.witness.lastReplyMsAgo)),
    gauge('lease_remaining_seconds', 'Seconds left on this primary\'s lease (negative: ended); only while this node holds the service with a witness', seconds(s.leaseMsLeft)),
    gauge('arbitration_mode', 'How a takeover is arbitrated: witness, fence, or none (a partition makes the service wait)', ['witness', 'fence', 'none'].map((mode) => ({ labels: { mode }, value: bool(arbitrationMode(s) === mode) }))),
    gauge('agreed_epoch', 'Epoch of the agreed synchronous state', [{ value: a.epoch }]),
    gauge('agreed_solo', 'Whether the agreed state is SOLO (1: the primary does not wait for a standby) or SYNC (0)', [{ value: bool(a.sync === null) }]),
    gauge('agreed_primary', 'Which node the agreed state allows to be primary (all 0 while nobody is)', nodes.map((node) => ({ labels: { node }, value: bool(a.primary === node) }))),
    gauge('agreed_sync_standby', 'Which node the agreed state names synchronous standby', nodes.map((node) => ({ labels: { node }, value: bool(a.sync === node) }))),
    gauge('holding', 'Whether this node holds the service (every haresources group)', [{ value: bool(s.holding) }]),
    gauge('peer_holding', 'Whether the peer says it holds the service', [{ labels: { node: s.peer.name }, value: bool(s.peer.holding) }]),
    gauge('group_held', 'Whether this node holds a haresources group', m.groups.map((group) => ({ labels: { group }, value: bool(s.holding) }))),
    gauge('resource_state', 'State of each resource as its last action or monitor on this node left it (1 for the current state)', m.resources.flatMap((r) =>
      RESOURCE_STATES.map((state) => ({ labels: { group: r.group, resource: r.resource, state }, value: bool(r.state === state) })))),
    counter('resource_actions', 'Resource agent actions run on this node, by outcome', m.actions.map((c) => ({ labels: { group: c.group, resource: c.resource, action: c.action, result: c.result }, value: c.count }))),
    counter('service_operations', 'Service operations of this node by outcome: take (promote and start the groups: a takeover or bootstrap), release (hand over or drop), follow, setSync, stop', m.ops.map((c) => ({ labels: { op: c.op, result: c.result }, value: c.count }))),
    gauge('action_in_progress', 'Whether a service operation or fence runs now', [{ value: bool(s.op !== null) }]),
    gauge('waiting', 'Whether the core waits for something before it can act (status shows the sentence)', [{ value: bool(s.waiting !== null) }]),
    ...pgFamilies(s),
  ];
};
