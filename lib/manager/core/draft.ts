// A step's working copy: the state being built, the effects collected and the sentences said. Handlers
// change `s` (a shallow copy made at the start of the step); nothing outside the step sees it.
import { describeState, isNewer, nextEpoch, type AgreedState } from './agreed-state.ts';
import type { CoreConfig } from './core-config.ts';
import type { CoreState, Op, Purpose } from './core-state.ts';
import type { Effect, ResourceOp } from './effects.ts';
import { recordSent } from './lease.ts';

/** The working copy of one step. */
export interface Draft {
  cfg: CoreConfig;
  s: CoreState;
  effects: Effect[];
  sentences: string[];
}

/** Logs a sentence (decisions also become the step's sentence). */
export const say = (d: Draft, level: 'debug' | 'info' | 'warn' | 'crit', sentence: string): void => {
  d.effects.push({ kind: 'log', level, sentence });
  if (level !== 'debug') d.sentences.push(sentence);
};

/** Says why we are waiting, once while the reason stays the same. */
export const waitBecause = (d: Draft, sentence: string, level: 'info' | 'warn' = 'info'): void => {
  if (d.s.waiting === sentence) return;
  d.s.waiting = sentence;
  say(d, level, sentence);
};

/** Adopts a newer agreed state (persisted first), with what it means for us. */
export const adopt = (d: Draft, next: AgreedState, source: string): boolean => {
  if (!isNewer(next, d.s.agreed)) return false;
  const before = d.s.agreed;
  d.s.agreed = next;
  d.effects.push({ kind: 'persist', state: next });
  say(d, 'info', `Agreed state ${describeState(next)} (from ${source}; was ${describeState(before)}).`);
  if (next.released === undefined) d.s.releaseSeenAt = null;
  else if (before.released === undefined || before.released.successor !== next.released.successor) d.s.releaseSeenAt = d.s.now;
  return true;
};

/** Starts a resource action (one at a time). */
export const startOp = (d: Draft, action: Omit<Op, 'id' | 'startedAt'>, effect: (id: number) => ResourceOp | null, node?: string): number => {
  const id = d.s.nextOpId++;
  d.s.op = { ...action, id, startedAt: d.s.now };
  const res = effect(id);
  if (res !== null) d.effects.push({ kind: 'resource', action: res });
  else d.effects.push({ kind: 'fence', id, node: node ?? d.cfg.peer });
  d.s.waiting = null;
  return id;
};

/**
 * Changes the agreed state: with a witness, asks it (compare-and-set on the current epoch); without
 * one, adopts the proposal here (the peer adopts it from our heartbeats; parity epochs never collide).
 */
export const propose = (d: Draft, next: Omit<AgreedState, 'epoch'>, purpose: Purpose, why: string): void => {
  const { s, cfg } = d;
  const epoch = nextEpoch(s.agreed.epoch, cfg.selfIndex);
  const state: AgreedState = { ...next, epoch };
  if (state.released === undefined) delete state.released;
  if (cfg.witness) {
    const id = s.witness.nextId++;
    const request = { expect: s.agreed.epoch, next: state };
    s.witness = { ...s.witness, cas: { id, request, sentAt: s.now, purpose }, sent: recordSent(s.witness.sent, id, s.now) };
    d.effects.push({ kind: 'witness', request: { from: cfg.self, id, state: s.agreed, pg: pgPos(s), cas: request } });
    say(d, 'info', `Asking the witness for ${describeState(state)} (${purpose}): ${why}.`);
  } else {
    say(d, 'info', `Proposing ${describeState(state)} (${purpose}): ${why}.`);
    adopt(d, state, 'this node');
  }
  s.waiting = null;
};

/** Without a witness: the holder's own state again, numbered above a concurrent one from the peer. */
export const reassert = (d: Draft, above: number): void => {
  const { s, cfg } = d;
  const epoch = nextEpoch(above, cfg.selfIndex);
  say(d, 'warn', `${cfg.peer} announces epoch ${above}, made without knowing that this node holds the service: re-asserting it.`);
  adopt(d, { epoch, primary: cfg.self, sync: s.agreed.sync }, 'this node');
};

/** Our data position for the witness (bootstrap and handover checks). */
export const pgPos = (s: CoreState): { timeline: number; flushedLsn: number } | null =>
  s.pg === null ? null : { timeline: s.pg.timeline, flushedLsn: s.pg.flushedLsn };
