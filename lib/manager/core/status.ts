// What `pgbeat status` shows, computed from the core's state (pure): nodes, links with last-heard ages,
// the witness, the agreed state, the service's holder, PostgreSQL, the lease, and what we wait for.
import { describeState } from './agreed-state.ts';
import type { CoreConfig } from './core-config.ts';
import type { CoreState } from './core-state.ts';

/** The status report (`status --json`). */
export interface StatusReport {
  node: string;
  peer: { name: string; alive: boolean; lastHeardMsAgo: number | null; holding: boolean; pg: CoreState['pg'] };
  links: { name: string; up: boolean; lastHeardMsAgo: number | null }[];
  witness: { configured: boolean; lastReplyMsAgo: number | null; pending: string | null };
  fence: boolean;
  agreed: CoreState['agreed'] & { text: string };
  holding: boolean;
  pg: CoreState['pg'];
  leaseMsLeft: number | null;
  op: string | null;
  waiting: string | null;
  /** A standing warning about the arbitration (no witness, no fence). */
  arbitration: string;
}

const ago = (now: number, t: number | null): number | null => (t === null ? null : Math.max(0, Math.round(now - t)));

/** The status of the node whose core is `s`. */
export const statusOf = (cfg: CoreConfig, s: CoreState): StatusReport => ({
  node: cfg.self,
  peer: { name: cfg.peer, alive: !s.peer.dead && s.peer.lastHeard !== null, lastHeardMsAgo: ago(s.now, s.peer.lastHeard), holding: s.peerHb?.holding ?? false, pg: s.peerHb?.pg ?? null },
  links: Object.entries(s.peer.links).map(([name, l]) => ({ name, up: l.up, lastHeardMsAgo: ago(s.now, l.lastHeard) })),
  witness: { configured: cfg.witness, lastReplyMsAgo: ago(s.now, s.witness.lastReplyAt), pending: s.witness.cas?.purpose ?? null },
  fence: cfg.fence,
  agreed: { ...s.agreed, text: describeState(s.agreed) },
  holding: s.holding,
  pg: s.pg,
  leaseMsLeft: cfg.witness && s.holding ? Math.round(s.leaseUntil - s.now) : null,
  op: s.op === null ? null : `${s.op.kind}${s.op.purpose ? ` (${s.op.purpose})` : ''} for ${Math.round(s.now - s.op.startedAt)} ms`,
  waiting: s.waiting,
  arbitration: cfg.witness
    ? 'witness: a takeover or a drop of the synchronous standby needs its record'
    : cfg.fence
      ? 'no witness: a takeover or a drop of the synchronous standby needs a successful fence of the peer'
      : 'no witness and no fence: a partition makes the service wait (writes wait, nothing promotes) rather than risk two primaries',
});

/** The status as a table for people. */
export const formatStatus = (r: StatusReport): string => {
  const pg = (p: CoreState['pg']): string => (p === null ? 'unknown' : `${p.role} tl ${p.timeline} flushed ${p.flushedLsn}${p.role === 'standby' ? (p.streaming ? ' streaming' : ' not streaming') : ''}`);
  const rows: [string, string][] = [
    ['node', `${r.node}${r.holding ? ' (holds the service)' : ''}: ${pg(r.pg)}`],
    ['peer', `${r.peer.name} ${r.peer.alive ? 'alive' : 'dead'}${r.peer.lastHeardMsAgo === null ? '' : `, heard ${r.peer.lastHeardMsAgo} ms ago`}${r.peer.holding ? ' (holds the service)' : ''}: ${pg(r.peer.pg)}`],
    ...r.links.map((l): [string, string] => [`link ${l.name}`, `${l.up ? 'up' : 'dead'}${l.lastHeardMsAgo === null ? '' : `, heard ${l.lastHeardMsAgo} ms ago`}`]),
    ['witness', r.witness.configured ? (r.witness.lastReplyMsAgo === null ? 'no reply yet' : `replied ${r.witness.lastReplyMsAgo} ms ago`) : 'none'],
    ['agreed', r.agreed.text],
    ['lease', r.leaseMsLeft === null ? '-' : `${r.leaseMsLeft} ms left`],
    ['action', r.op ?? '-'],
    ['waiting', r.waiting ?? '-'],
    ['arbitration', r.arbitration],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n');
};
