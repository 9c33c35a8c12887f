// The tick's decisions, first rule that applies wins: the lease first (it cannot wait), then the
// shutdown, then what the agreed state asks of us as its primary, its standby, or while nobody is
// primary. Each decision starts at most one action and says why; waiting says why too, once.
import { asPrimary } from './as-primary.ts';
import { asStandby } from './as-standby.ts';
import { pgPos, propose, say, startOp, waitBecause, type Draft } from './draft.ts';
import { recordSent } from './lease.ts';
import { withoutPrimary } from './without-primary.ts';

/** Runs the decision rules for this tick. */
export const decide = (d: Draft): void => {
  const { s, cfg } = d;
  if (s.finished) return;
  if (leaseRule(d)) return;
  if (s.witness.cas !== null) {
    // The outcome is unknown until the witness answers (it may have recorded it): ask again, the same
    // question, and decide nothing else meanwhile (the lease rule above still runs).
    if (s.now - s.witness.cas.sentAt >= cfg.witnessTimeoutMs) resendCas(d);
    return;
  }
  if (s.op !== null || s.now < s.retryAt) return;
  if (s.leaving && shutdownRule(d)) return;
  const a = s.agreed;
  if (a.primary === cfg.self) asPrimary(d);
  else if (a.primary === cfg.peer) asStandby(d);
  else withoutPrimary(d);
};

/** Asks the witness the pending compare-and-set again, with a new request id. */
const resendCas = (d: Draft): void => {
  const { s, cfg } = d;
  const cas = s.witness.cas!;
  const id = s.witness.nextId++;
  s.witness = { ...s.witness, cas: { ...cas, id, sentAt: s.now }, sent: recordSent(s.witness.sent, id, s.now) };
  waitBecause(d, `No answer from the witness (${cas.purpose}) within ${cfg.witnessTimeoutMs} ms: asking again; nothing else is decided until it answers.`, 'warn');
  d.effects.push({ kind: 'witness', request: { from: cfg.self, id, state: s.agreed, pg: pgPos(s), cas: cas.request } });
};

/** Witness mode: a holder whose lease ran out drops the address and stops PostgreSQL now. */
const leaseRule = (d: Draft): boolean => {
  const { s, cfg } = d;
  if (!cfg.witness || !s.holding || s.now < s.leaseUntil || s.op?.kind === 'release') return false;
  const from = s.leaseUntil === -Infinity ? 'never granted' : `ended ${Math.round(s.now - s.leaseUntil)} ms ago`;
  say(d, 'crit', `Lease ${from}: neither ${cfg.peer} nor the witness vouched for this primary; dropping the address and stopping PostgreSQL before the lease can pass to ${cfg.peer}.`);
  startOp(d, { kind: 'release', purpose: 'lease' }, (id) => ({ op: 'release', id, urgent: true }));
  return true;
};

/** Graceful shutdown: hand over at once if we hold, promise not to promote if we follow, then stop. */
const shutdownRule = (d: Draft): boolean => {
  const { s, cfg } = d;
  if (s.holding) {
    startOp(d, { kind: 'release', purpose: 'shutdown' }, (id) => ({ op: 'release', id, urgent: false }));
    return true;
  }
  if (!cfg.witness && !cfg.neverSolo && s.agreed.primary === cfg.peer && s.agreed.sync === cfg.self) {
    propose(d, { primary: cfg.peer, sync: null }, 'abdicate', 'shutting down, this node will not promote');
    return true;
  }
  // With a witness the primary records SOLO when it sees `leaving`; give it two deadtimes.
  if (cfg.witness && s.agreed.primary === cfg.peer && s.agreed.sync === cfg.self && !s.peer.dead && s.now - (s.leavingAt ?? s.now) < 2 * cfg.deadtimeMs) return true;
  startOp(d, { kind: 'stop' }, (id) => ({ op: 'stop', id }));
  return true;
};
