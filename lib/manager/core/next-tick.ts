// When the core wants its next tick. While anything moves (an action, a question at the witness, a
// command, a dead or leaving peer, a standby that does not stream...) the daemon ticks every tickMs,
// as fast as decisions can follow one another. In the one settled state a healthy pair spends nearly
// all its time in (a primary holding the service with the peer its streaming synchronous standby, or
// that standby), nothing is decided until a clock deadline passes or an input unsettles it, so the
// tick comes at the earliest deadline, at most idleTickMs away. The daemon and the simulation both
// schedule ticks with this, and re-ask after every input (an input can only bring the tick closer).
import type { CoreConfig } from './core-config.ts';
import type { CoreState } from './core-state.ts';
import { silenceLimit } from './membership.ts';

/** Whether `s` is the steady primary/standby pair, where only a deadline or an input changes anything. */
export const settled = (cfg: CoreConfig, s: CoreState): boolean => {
  if (s.op !== null || s.witness.cas !== null || s.command !== null || s.leaving || s.now < s.retryAt) return false;
  if (s.fencedPeerAt !== null || s.releaseSeenAt !== null || s.agreed.released !== undefined) return false;
  if (!s.peerSeenSinceBoot || s.peer.dead || s.now < s.wantsServiceUntil) return false;
  const hb = s.peerHb;
  if (hb === null || hb.leaving || hb.wantsService || hb.state.epoch !== s.agreed.epoch) return false;
  if (s.agreed.primary === cfg.self) {
    return s.holding && !hb.holding && s.agreed.sync === cfg.peer && s.syncTarget === cfg.peer
      && s.pg?.role === 'primary' && s.pg.syncFlushedLsn !== null && hb.pg?.role === 'standby';
  }
  if (s.agreed.primary === cfg.peer) {
    return !s.holding && hb.holding && s.pg?.role === 'standby' && s.pg.streaming && s.standbyUnhealthySince === null;
  }
  return false;
};

/** The core-clock time of the next tick (the state as the last step left it). */
export const nextTickAt = (cfg: CoreConfig, s: CoreState): number => {
  const idle = cfg.idleTickMs ?? cfg.tickMs;
  if (idle <= cfg.tickMs || !settled(cfg, s)) return s.now + cfg.tickMs;
  let at = s.now + idle;
  const by = (t: number): void => { if (t > s.now && t < at) at = t; };
  by(s.nextSendAt);
  if (cfg.witness) by(s.witness.nextRenewAt);
  if (s.holding) by(s.leaseUntil);
  by(s.promiseUntil);
  // membership.sweep marks a silence dead when it is longer than the limit: just after it.
  const since = s.peer.since;
  by(Math.max(s.peer.lastHeard ?? since, since) + silenceLimit(s.peer, cfg) + 1);
  for (const l of Object.values(s.peer.links)) if (l.up) by(Math.max(l.lastHeard ?? since, since) + cfg.deadtimeMs + 1);
  if (s.holding) by(s.lastSyncHealthyAt + cfg.deadtimeMs);
  if (s.failbackReadySince !== null) by(s.failbackReadySince + cfg.failbackDelayMs);
  by(s.bootAt + cfg.deadtimeMs + 1);
  return at;
};
