// The witness's protocol state, pure: the agreed state it records (changed only by compare-and-set,
// persisted before any reply), the one lease it grants at a time, and the restart rules. Time is the
// witness's own monotonic clock, passed in.
import { INITIAL_STATE, describeState, isNewer, type AgreedState } from '../core/agreed-state.ts';
import type { WitnessReply, WitnessRequest } from '../core/messages.ts';

/** The witness's configuration. */
export interface WitnessConfig {
  /** The two node names. */
  nodes: [string, string];
  /** Lease length L granted per renewal. */
  leaseMs: number;
  rho: number;
  /** Only for proving the simulation catches it: grant takeovers while the primary's lease runs. */
  unsafeIgnoreLease?: boolean | undefined;
}

/** What the witness knows. */
export interface WitnessState {
  state: AgreedState;
  startedAt: number;
  /** Started without a persisted state: no grant until both nodes were seen (and their states merged). */
  stateLost: boolean;
  /** Per node: when it was last heard since start, and its reported data position. */
  seen: Record<string, { at: number; pg: { timeline: number; flushedLsn: number } | null }>;
  /** The one outstanding promise: no primary but `holder` before `until`. */
  promise: { holder: string; until: number } | null;
}

/** A witness that just started, with what it persisted (undefined when it lost its state). */
export const initWitness = (now: number, persisted: AgreedState | undefined): WitnessState => ({
  state: persisted ?? INITIAL_STATE,
  startedAt: now,
  stateLost: persisted === undefined,
  seen: {},
  promise: null,
});

/** The witness's answer to one request: new state, the reply, what to persist first, a sentence. */
export interface WitnessOutcome {
  ws: WitnessState;
  reply: WitnessReply;
  persist: AgreedState | null;
  sentence: string | null;
}

const promiseMs = (cfg: WitnessConfig): number => cfg.leaseMs * (1 + cfg.rho);

/** Handles one authenticated request at witness time `now`. */
export const handleRequest = (cfg: WitnessConfig, ws0: WitnessState, req: WitnessRequest, now: number): WitnessOutcome => {
  let ws: WitnessState = { ...ws0, seen: { ...ws0.seen, [req.from]: { at: now, pg: req.pg } } };
  let persist: AgreedState | null = null;
  const sentences: string[] = [];
  if (!cfg.nodes.includes(req.from)) {
    return { ws: ws0, reply: { to: req.from, id: req.id, state: ws0.state, leaseMs: 0, cas: req.cas && { ok: false, why: 'unknown node' } }, persist: null, sentence: `Request from unknown node ${req.from} ignored.` };
  }
  // Nodes only ever hold states this witness issued (or, after a loss, issued by its past): the newest wins.
  if (isNewer(req.state, ws.state)) {
    ws = { ...ws, state: req.state };
    persist = req.state;
    sentences.push(`Learnt ${describeState(req.state)} from ${req.from}.`);
  }
  if (ws.stateLost && cfg.nodes.every((n) => ws.seen[n] !== undefined)) {
    ws = { ...ws, stateLost: false };
    sentences.push('Both nodes seen since the state was lost: granting again.');
  }
  const ready = !ws.stateLost;
  let leaseMs = 0;
  let cas: WitnessReply['cas'];
  if (req.cas !== undefined) {
    const verdict = ready ? judgeCas(cfg, ws, req, now) : 'this witness lost its state and has not seen both nodes since';
    if (verdict === null) {
      const next = req.cas.next;
      const holder = next.primary;
      ws = { ...ws, state: next, promise: holder === null ? null : holder === ws.promise?.holder ? ws.promise : null };
      persist = next;
      cas = { ok: true, why: 'recorded' };
      sentences.push(`Recorded ${describeState(next)} for ${req.from}.`);
    } else {
      cas = { ok: false, why: verdict };
      sentences.push(`Refused ${describeState(req.cas.next)} to ${req.from}: ${verdict}.`);
    }
  }
  // Renew the lease of the recorded primary (one holder at a time).
  const p = ws.promise;
  if (ready && ws.state.primary === req.from && (p === null || p.holder === req.from || p.until <= now)) {
    ws = { ...ws, promise: { holder: req.from, until: now + promiseMs(cfg) } };
    leaseMs = cfg.leaseMs;
  }
  return { ws, reply: { to: req.from, id: req.id, state: ws.state, leaseMs, cas }, persist, sentence: sentences.length ? sentences.join(' ') : null };
};

/** Why a compare-and-set must be refused, or null to apply it. */
export const judgeCas = (cfg: WitnessConfig, ws: WitnessState, req: WitnessRequest, now: number): string | null => {
  const cas = req.cas!;
  const cur = ws.state;
  const next = cas.next;
  const from = req.from;
  const other = cfg.nodes[0] === from ? cfg.nodes[1] : cfg.nodes[0];
  if (cas.expect !== cur.epoch) return `epoch is ${cur.epoch}, not ${cas.expect}`;
  if (!(next.epoch > cur.epoch)) return `the new epoch ${next.epoch} is not above ${cur.epoch}`;
  if (next.primary !== null && !cfg.nodes.includes(next.primary)) return `unknown primary ${next.primary}`;
  if (next.sync !== null && (!cfg.nodes.includes(next.sync) || next.sync === next.primary)) return `bad synchronous standby ${next.sync}`;
  const promised = ws.promise !== null && ws.promise.until > now ? ws.promise : null;
  if (cur.primary === from) {
    // The primary's own changes: SOLO needs its lease (this witness vouches for it right now), SYNC and release do not.
    if (next.primary === from) {
      if (next.sync === null && cur.sync !== null && promised?.holder !== from) return 'SOLO needs a current lease from this witness';
      return null;
    }
    if (next.primary === null && next.released !== undefined && next.released.successor === other) return null;
    return 'a primary may only change its synchronous standby or release';
  }
  if (cur.primary === null && cur.released?.successor === from && next.primary === null) {
    // Handback: the successor of a release cannot take it and names the other node instead.
    const r = next.released;
    return r !== undefined && r.successor === other && r.lsn === cur.released.lsn && r.timeline === cur.released.timeline && next.sync === cur.sync
      ? null : 'a handback changes only the successor';
  }
  if (next.primary !== from) return `${from} may only ask to become primary`;
  if (promised !== null && promised.holder !== from && !cfg.unsafeIgnoreLease) return `${promised.holder}'s lease runs ${Math.ceil(promised.until - now)} ms more`;
  if (now < ws.startedAt + cfg.leaseMs * (1 + cfg.rho)) return 'this witness restarted: a lease it granted before may still run';
  if (cur.primary !== null) return cur.sync === from ? null : `the agreed state does not name ${from} synchronous`;
  const mine = ws.seen[from]?.pg ?? null;
  if (cur.released !== undefined) {
    const r = cur.released;
    if (cur.sync === from) return null;
    if (mine !== null && mine.timeline === r.timeline && mine.flushedLsn >= r.lsn) return null;
    return `${from} lacks the released WAL up to ${r.timeline}/${r.lsn}`;
  }
  // Bootstrap: both nodes seen, the requester has at least the other's data.
  const theirs = ws.seen[other];
  if (theirs === undefined || mine === null || theirs.pg === null) return 'bootstrap needs both nodes and their data positions';
  const ahead = theirs.pg.timeline !== mine.timeline ? theirs.pg.timeline > mine.timeline : theirs.pg.flushedLsn > mine.flushedLsn;
  if (ahead) return `${other} has more data`;
  return null;
};
