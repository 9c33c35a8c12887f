// The decision core's one entry point: step(config, state, input) -> { state, effects, sentence }.
// Deterministic and pure: time comes only from the input, effects are returned, never performed.
import { isNewer } from './agreed-state.ts';
import type { CoreConfig } from './core-config.ts';
import type { CoreState } from './core-state.ts';
import { decide } from './decide.ts';
import { bootstrapCandidate, releaseNow } from './without-primary.ts';
import { adopt, reassert, say, type Draft } from './draft.ts';
import type { Effect } from './effects.ts';
import type { Input } from './inputs.ts';
import { holderLeaseEnd, recordSent, sentAt, voterPromiseEnd } from './lease.ts';
import { adapterStatus, forgivePause, heard, sweep } from './membership.ts';
import { settled } from './next-tick.ts';
import type { Heartbeat, WitnessReply } from './messages.ts';
import type { PgReport } from './pg-report.ts';

/** The outcome of one step: the next state, what to do, and what to log as the decision. */
export interface StepResult {
  state: CoreState;
  effects: Effect[];
  /** The step's decisions in one line ('' when nothing was decided). */
  sentence: string;
}

/** Applies one input to the core. */
export const step = (cfg: CoreConfig, state: CoreState, input: Input): StepResult => {
  const d: Draft = { cfg, s: { ...state, now: Math.max(state.now, input.now) }, effects: [], sentences: [] };
  const before = { agreed: state.agreed, cas: state.witness.cas };
  switch (input.kind) {
    case 'tick': onTick(d); break;
    case 'heartbeat': onHeartbeat(d, input.link, input.hb); break;
    case 'medium': d.s.peer = adapterStatus(d.s.peer, input.link, input.up);
      say(d, input.up ? 'info' : 'warn', `Medium ${input.link} ${input.up ? 'up' : `down${input.reason ? `: ${input.reason}` : ''}`}.`);
      break;
    case 'witnessReply': onWitnessReply(d, input.reply); break;
    case 'probe': onProbe(d, input.pg); break;
    case 'resourceDone': onResourceDone(d, input); break;
    case 'fenceDone': onFenceDone(d, input.id, input.ok); break;
    case 'command': onCommand(d, input.command); break;
  }
  // What the last decision waited for arrived (a new agreed state, the witness's answer): decide now,
  // in this step, rather than at the next tick. (Not after an action: its effect on PostgreSQL is
  // known only from the next probe.)
  if (input.kind !== 'tick' && (d.s.agreed !== before.agreed || d.s.witness.cas !== before.cas)) decide(d);
  return { state: d.s, effects: d.effects, sentence: d.sentences.join(' ') };
};

const onTick = (d: Draft): void => {
  const { s, cfg } = d;
  if (s.lastTickAt !== null && s.now - s.lastTickAt > cfg.deadtimeMs / 2) {
    // Our own pause (SIGSTOP, a starved scheduler): the peer's silence meanwhile proves nothing.
    s.peer = forgivePause(s.peer, s.now);
    say(d, 'warn', `This node was paused ${Math.round(s.now - s.lastTickAt)} ms: the peer's silence is counted afresh.`);
  }
  s.lastTickAt = s.now;
  const swept = sweep(s.peer, s.now, cfg.peer, cfg);
  s.peer = swept.m;
  for (const e of swept.events) say(d, e.level, e.sentence);
  const sent = s.now >= s.nextSendAt;
  if (sent) sendHeartbeat(d);
  // A renewal due within half a keepalive goes with this tick's heartbeat: the two fall into step, one
  // wake-up for both in the settled pair (next-tick.ts); renewals stay at least keepalive/2 apart.
  if (cfg.witness && (s.now >= s.witness.nextRenewAt || (sent && s.now >= s.witness.nextRenewAt - cfg.keepaliveMs / 2))) renewAtWitness(d);
  decide(d);
};

/** Sends our heartbeat (every medium) and, with a witness, vouches for the primary's lease. */
const sendHeartbeat = (d: Draft): void => {
  const { s, cfg } = d;
  const seq = ++s.seq;
  let ack: number | null = null;
  const hb = s.peerHb;
  // No vouching while our own takeover question is open at the witness: it may be granted.
  const asking = s.witness.cas !== null && s.witness.cas.request.next.primary !== cfg.peer;
  if (cfg.witness && hb !== null && !asking && !s.peer.dead && s.agreed.primary === cfg.peer && hb.state.epoch === s.agreed.epoch
    && s.peer.lastHeard !== null && s.now - s.peer.lastHeard <= 2 * cfg.keepaliveMs) {
    ack = hb.seq;
    // Counted from when the peer was last heard, not from now: the renewal acknowledged (its newest
    // heartbeat) left the holder before that, and the holder's lease counts from its send. A promise
    // from now would outlast the holder's lease by up to two keepalives and hold a takeover past deadtime.
    s.promiseUntil = Math.max(s.promiseUntil, voterPromiseEnd(s.peer.lastHeard, cfg.leaseMs, cfg.rho));
  }
  s.sent = recordSent(s.sent, seq, s.now);
  s.nextSendAt = s.now + cfg.keepaliveMs;
  d.effects.push({ kind: 'send', hb: {
    from: cfg.self, seq, incarnation: s.incarnation, state: s.agreed, holding: s.holding, pg: s.pg, ack,
    leaving: s.leaving, wantsService: s.now < s.wantsServiceUntil, candidate: bootstrapCandidate(d), deadtimeMs: cfg.deadtimeMs,
  } });
};

/**
 * Every keepalive: a renewal (the witness renews only the recorded primary; others just report). The
 * settled standby reports every standbyReportMs: nothing of it is renewed, nothing waits for it.
 */
const renewAtWitness = (d: Draft): void => {
  const { s, cfg } = d;
  const id = s.witness.nextId++;
  const every = cfg.standbyReportMs !== undefined && s.agreed.primary === cfg.peer && settled(cfg, s) ? cfg.standbyReportMs : cfg.keepaliveMs;
  s.witness = { ...s.witness, nextRenewAt: s.now + every, sent: recordSent(s.witness.sent, id, s.now) };
  d.effects.push({ kind: 'witness', request: { from: cfg.self, id, state: s.agreed, pg: s.pg && { timeline: s.pg.timeline, flushedLsn: s.pg.flushedLsn } } });
};

const onHeartbeat = (d: Draft, link: string, hb: Heartbeat): void => {
  const { s, cfg } = d;
  if (hb.from !== cfg.peer) return;
  const h = heard(s.peer, link, s.now, cfg.peer, cfg);
  s.peer = h.m;
  for (const e of h.events) say(d, e.level, e.sentence);
  s.peerSeenSinceBoot = true;
  if (s.fencedPeerAt !== null) {
    say(d, 'warn', `Node ${cfg.peer} is heard again after it was fenced: it restarted.`);
    s.fencedPeerAt = null;
  }
  // Reordered copies: keep the newest content (incarnation, then seq).
  const newer = s.peerHb === null || hb.incarnation > s.peerIncarnation || (hb.incarnation === s.peerIncarnation && hb.seq > s.peerHb.seq);
  if (!newer) return;
  s.peerHb = hb;
  s.peerIncarnation = hb.incarnation;
  if (!cfg.witness && s.holding && isNewer(hb.state, s.agreed) && hb.state.primary !== cfg.self) {
    // No witness: a live holder never yields to a state the peer made without knowing ours (made
    // before it was fenced or stopped): it re-asserts its own above it, and the peer follows.
    reassert(d, hb.state.epoch);
  } else {
    adopt(d, hb.state, `${cfg.peer}'s heartbeat`);
  }
  if (hb.ack !== null && s.agreed.primary === cfg.self && hb.state.epoch === s.agreed.epoch) {
    const at = sentAt(s.sent, hb.ack);
    if (at !== undefined) extendLease(d, holderLeaseEnd(at, cfg.leaseMs, cfg.rho, cfg.actMarginMs));
  }
};

/** Moves the holder's lease end forward and tells the resource side (it adds no address past it). */
const extendLease = (d: Draft, end: number): void => {
  const until = d.cfg.unsafe?.leaseTooLong ? end + 2 * d.cfg.leaseMs : end;
  if (until <= d.s.leaseUntil) return;
  d.s.leaseUntil = until;
  d.effects.push({ kind: 'lease', until });
};

const onWitnessReply = (d: Draft, reply: WitnessReply): void => {
  const { s, cfg } = d;
  if (reply.to !== cfg.self) return;
  s.witness = { ...s.witness, lastReplyAt: s.now };
  if (isNewer(reply.state, s.agreed)) adopt(d, reply.state, 'the witness');
  if (reply.leaseMs > 0 && reply.state.epoch === s.agreed.epoch && s.agreed.primary === cfg.self) {
    const at = sentAt(s.witness.sent, reply.id);
    if (at !== undefined) extendLease(d, holderLeaseEnd(at, reply.leaseMs, cfg.rho, cfg.actMarginMs));
  }
  const cas = s.witness.cas;
  // Any reply that shows the epoch moved past the question settles it, whichever request it answers.
  if (cas === null || (reply.id !== cas.id && !(reply.state.epoch > cas.request.expect))) return;
  s.witness = { ...s.witness, cas: null };
  const won = reply.state.epoch === cas.request.next.epoch && reply.state.primary === cas.request.next.primary && reply.state.sync === cas.request.next.sync;
  if (won) {
    say(d, 'info', `The witness recorded it (${cas.purpose}).`);
    // The peer learns the new state from our heartbeat now rather than from its next renewal.
    sendHeartbeat(d);
    if (cas.purpose === 'take' && cas.request.next.primary === cfg.self && cfg.fence) s.fenceBeforeTake = true;
  } else {
    say(d, 'warn', `The witness refused (${cas.purpose}): ${reply.cas?.why ?? 'no reason given'}.`);
    s.retryAt = s.now + (cas.purpose === 'take' || cas.purpose === 'solo' ? cfg.keepaliveMs : cfg.retryMs);
  }
};

const onProbe = (d: Draft, pg: PgReport | null): void => {
  const { s, cfg } = d;
  s.pg = pg;
  if (pg?.role === 'primary' && pg.syncFlushedLsn !== null && s.syncTarget === cfg.peer) s.lastSyncHealthyAt = s.now;
  if (pg?.role === 'standby' && pg.streaming) s.standbyUnhealthySince = null;
  else if (s.standbyUnhealthySince === null) s.standbyUnhealthySince = s.now;
};

const onResourceDone = (d: Draft, r: Extract<Input, { kind: 'resourceDone' }>): void => {
  const { s, cfg } = d;
  const op = s.op;
  if (op === null || op.id !== r.id) return;
  s.op = null;
  if (!r.ok) {
    s.retryAt = s.now + (op.kind === 'take' || op.kind === 'follow' ? cfg.retryMs : cfg.keepaliveMs);
    say(d, 'warn', `Resource action ${op.kind} failed${r.reason ? `: ${r.reason}` : ''}; retrying in ${s.retryAt - s.now} ms.`);
    if (op.kind === 'release') s.holding = false; // what is left running is stopped again by the next decision
    // A take that fails as recorded primary is a restart in place that did not hold (a postmaster that
    // crashes again while starting): counted, so that a crash loop ends in a handover (as-primary.ts).
    if (op.kind === 'take' && s.agreed.primary === cfg.self) s.restartsAt = [...s.restartsAt, s.now];
    return;
  }
  switch (op.kind) {
    case 'take':
      s.holding = true;
      s.syncTarget = op.target ?? null;
      s.lastSyncHealthyAt = s.now;
      s.addSyncFrom = null;
      say(d, 'info', `Took the service (primary, ${s.syncTarget === null ? 'no synchronous standby' : `synchronous standby ${s.syncTarget}`}).`);
      break;
    case 'release':
      s.holding = false;
      s.syncTarget = undefined;
      say(d, 'info', `Released the service (${op.purpose}).`);
      if ((op.purpose === 'handover' || op.purpose === 'shutdown') && s.agreed.primary === cfg.self) {
        // A position is needed only by a successor that is not the synchronous standby; after a crash
        // the instance may report none, and then only the synchronous standby may take.
        if (r.lsn !== undefined && r.timeline !== undefined) releaseNow(d, { timeline: r.timeline, lsn: r.lsn });
        else if (s.agreed.sync === cfg.peer) releaseNow(d, { timeline: s.pg?.timeline ?? 0, lsn: Number.MAX_SAFE_INTEGER });
      }
      // Tell the peer at once that nothing is held here: a successor adds the address without the
      // duplicate-address probe (about 1 s) only when our last heartbeat says so.
      sendHeartbeat(d);
      break;
    case 'setSync':
      s.syncTarget = op.target ?? null;
      s.addSyncFrom = s.syncTarget === null ? null : (r.lsn ?? null);
      s.lastSyncHealthyAt = s.now;
      say(d, 'info', `synchronous_standby_names now ${s.syncTarget === null ? 'empty (SOLO)' : `'${s.syncTarget}'`}.`);
      break;
    case 'stop':
      s.finished = true;
      say(d, 'info', 'Everything is stopped: shutdown complete.');
      break;
    default:
      break;
  }
};

const onFenceDone = (d: Draft, id: number, ok: boolean): void => {
  const { s, cfg } = d;
  if (s.op === null || s.op.id !== id) return;
  s.op = null;
  if (ok) {
    s.fencedPeerAt = s.now;
    s.fenceBeforeTake = false;
    s.peer = { ...s.peer, dead: true };
    say(d, 'warn', `Fenced ${cfg.peer}.`);
  } else {
    s.retryAt = s.now + cfg.retryMs;
    say(d, 'crit', `Fencing ${cfg.peer} failed: retrying in ${cfg.retryMs} ms; nothing is taken meanwhile.`);
  }
};

const onCommand = (d: Draft, command: 'standby' | 'takeover' | 'shutdown'): void => {
  const { s, cfg } = d;
  if (command === 'shutdown') {
    s.leaving = true;
    s.leavingAt = s.now;
    s.command = 'shutdown';
    say(d, 'info', s.holding ? `Shutdown: handing the service to ${cfg.peer} first.` : 'Shutdown: this node will not promote; stopping.');
  } else if (command === 'takeover') {
    s.wantsServiceUntil = s.now + cfg.handoverTimeoutMs;
    s.command = s.holding ? null : 'takeover';
    say(d, 'info', s.holding ? 'Takeover: this node already holds the service.' : `Takeover: asking ${cfg.peer} to hand the service over.`);
  } else {
    s.command = s.holding ? 'standby' : null;
    say(d, 'info', s.holding ? `Standby: handing the service to ${cfg.peer}.` : 'Standby: this node holds nothing.');
  }
};
