// Rules for the node the agreed state names primary: take the service (with a lease, or while the
// peer is heard), hand it over when asked or for auto_failback, keep or drop or add the synchronous
// standby by the agreed-state rules.
import type { AgreedState } from './agreed-state.ts';
import { propose, say, startOp, waitBecause, type Draft } from './draft.ts';
import { isHealthyStandby } from './pg-report.ts';

/** The agreed state names us primary. */
export const asPrimary = (d: Draft): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  if (!s.holding) return takeRule(d);
  const peerHb = s.peerHb;
  const peerAlive = !s.peer.dead && peerHb !== null;
  const myTl = s.pg?.timeline ?? null;
  const peerHealthy = peerAlive && !peerHb.leaving && isHealthyStandby(peerHb.pg, myTl);
  if (s.pg !== null && s.pg.role !== 'primary') return restartRule(d);
  // Handover: operator standby, the peer's takeover request, auto_failback.
  const wants = s.command === 'standby' || (peerAlive && peerHb.wantsService);
  const failback = cfg.autoFailback !== 'off' && cfg.preferred === cfg.peer && peerHealthy && a.sync === cfg.peer;
  s.failbackReadySince = failback ? (s.failbackReadySince ?? s.now) : null;
  if (wants || (failback && s.now - (s.failbackReadySince ?? s.now) >= cfg.failbackDelayMs)) {
    if (peerHealthy && a.sync === cfg.peer) {
      say(d, 'info', `Handing the service to ${cfg.peer} (${wants ? 'asked' : 'auto_failback'}): it is a synchronous standby that streams.`);
      s.command = null;
      startOp(d, { kind: 'release', purpose: 'handover' }, (id) => ({ op: 'release', id, urgent: false }));
      return;
    }
    if (wants) {
      s.command = null;
      say(d, 'warn', `Not handing over: ${cfg.peer} is not a synchronous standby that streams from this primary.`);
    }
  }
  if (a.sync === null) return soloDuties(d, peerHealthy);
  return syncDuties(d, peerAlive);
};

/**
 * PostgreSQL stopped running as primary under the service (crashed): restart it in place (release,
 * then the take rule takes again), up to maxRestarts times within restartWindowMs (a take that fails
 * counts as a restart too: a postmaster that crashes again while starting); past that, hand the
 * service to the peer when it may receive it (mayReceiveCrashed); else restart again (a SOLO
 * primary's commits exist nowhere else).
 */
const restartRule = (d: Draft): void => {
  const { s } = d;
  if (handOverCrashed(d, 'PostgreSQL stopped running as primary again')) return;
  s.restartsAt = [...s.restartsAt, s.now];
  say(d, 'warn', `PostgreSQL no longer runs as primary under the service: releasing the groups, then taking them again (restart ${s.restartsAt.length}).`);
  startOp(d, { kind: 'release', purpose: 'stale' }, (id) => ({ op: 'release', id, urgent: false }));
};

/** Restarts in the window, older ones forgotten. */
const recentRestarts = (d: Draft): number[] => {
  const window = d.cfg.restartWindowMs ?? 300_000;
  return d.s.restartsAt.filter((t) => d.s.now - t < window);
};

/**
 * The peer may receive the service of a primary that keeps crashing: it is heard, not leaving, runs
 * as a standby, and the agreed state names it synchronous, so it flushed every acknowledged commit.
 * It need not stream at this instant: the crashed primary is why it does not.
 */
const mayReceiveCrashed = (d: Draft): boolean => {
  const { s, cfg } = d;
  const hb = s.peerHb;
  return !s.peer.dead && s.fencedPeerAt === null && hb !== null && !hb.leaving && hb.pg?.role === 'standby' && s.agreed.sync === cfg.peer;
};

/** maxRestarts restarts in the window and a peer that may receive: hand the service over (true when started). */
const handOverCrashed = (d: Draft, what: string): boolean => {
  const { s, cfg } = d;
  s.restartsAt = recentRestarts(d);
  if (s.restartsAt.length < (cfg.maxRestarts ?? 3) || !mayReceiveCrashed(d)) return false;
  const window = cfg.restartWindowMs ?? 300_000;
  say(d, 'warn', `${what} (${s.restartsAt.length} restarts in ${Math.round(window / 1000)} s): handing the service to ${cfg.peer}, the synchronous standby.`);
  s.restartsAt = [];
  startOp(d, { kind: 'release', purpose: 'handover' }, (id) => ({ op: 'release', id, urgent: false }));
  return true;
};

/** Take the service we are recorded primary of, with a lease (witness) or the peer's agreement (none). */
const takeRule = (d: Draft): void => {
  const { s, cfg } = d;
  if (s.command === 'standby') s.command = null;
  if (s.leaving) return;
  if (handOverCrashed(d, 'The service could not be started again here')) return;
  if (s.fenceBeforeTake) {
    say(d, 'warn', `Fencing ${cfg.peer} before taking over.`);
    startOp(d, { kind: 'fence', purpose: 'promote' }, () => null);
    return;
  }
  if (cfg.witness) {
    if (s.now >= s.leaseUntil) {
      if (s.pg?.role === 'primary' && s.now - s.bootAt > cfg.deadtimeMs) {
        say(d, 'warn', 'PostgreSQL runs as primary without a lease: stopping it until the witness or the peer vouches.');
        startOp(d, { kind: 'release', purpose: 'lease' }, (id) => ({ op: 'release', id, urgent: true }));
        return;
      }
      return waitBecause(d, 'Recorded primary, waiting for a lease from the witness or the peer before taking the service.');
    }
  } else if (s.peerHb?.holding && !s.peer.dead) {
    return waitBecause(d, `${cfg.peer} holds the service under an older epoch: waiting for it to re-assert or release.`, 'warn');
  } else if (!s.peerSeenSinceBoot || (s.peer.dead && s.fencedPeerAt === null)) {
    // Rule 6: never act on silence from a state that may be stale (the peer may have promoted since).
    return waitBecause(d, `Recorded primary, but without a witness this node takes the service only while it hears ${cfg.peer}.`, 'warn');
  }
  say(d, 'info', `Taking the service as primary of ${describe(s.agreed)}.`);
  startOp(d, { kind: 'take', target: s.agreed.sync }, (id) => ({ op: 'take', id, syncStandby: s.agreed.sync }));
};

const describe = (a: AgreedState): string => `epoch ${a.epoch}`;

/** SOLO: drop a sync name that would stall writes; add the peer back once it streams and caught up. */
const soloDuties = (d: Draft, peerHealthy: boolean): void => {
  const { s, cfg } = d;
  if (!peerHealthy) {
    if (s.syncTarget !== null && !cfg.neverSolo) {
      startOp(d, { kind: 'setSync', target: null }, (id) => ({ op: 'setSync', id, syncStandby: null }));
    }
    return;
  }
  if (s.syncTarget !== cfg.peer) {
    say(d, 'info', `${cfg.peer} streams again: naming it synchronous standby, then recording SYNC once it caught up.`);
    startOp(d, { kind: 'setSync', target: cfg.peer }, (id) => ({ op: 'setSync', id, syncStandby: cfg.peer }));
    return;
  }
  // Two lower bounds of the standby's flushed position: pg_stat_replication here, its own heartbeat.
  const peerPg = s.peerHb?.pg ?? null;
  const fromPeer = peerPg !== null && peerPg.timeline === s.pg?.timeline ? peerPg.flushedLsn : -1;
  const flushed = Math.max(s.pg?.syncFlushedLsn ?? -1, fromPeer);
  if (s.addSyncFrom !== null && flushed >= s.addSyncFrom) {
    propose(d, { primary: cfg.self, sync: cfg.peer }, 'sync', `${cfg.peer} flushed ${flushed} >= ${s.addSyncFrom}`);
  }
};

/** SYNC(peer): keep the name set; drop it only with proof that the peer will not promote. */
const syncDuties = (d: Draft, peerAlive: boolean): void => {
  const { s, cfg } = d;
  if (s.syncTarget !== cfg.peer) {
    startOp(d, { kind: 'setSync', target: cfg.peer }, (id) => ({ op: 'setSync', id, syncStandby: cfg.peer }));
    return;
  }
  const leaving = peerAlive && s.peerHb?.leaving === true;
  const unhealthy = s.peer.dead || leaving || s.now - s.lastSyncHealthyAt >= cfg.deadtimeMs;
  if (!unhealthy) { s.waiting = null; return; }
  if (cfg.neverSolo) {
    waitBecause(d, `Writes wait for ${cfg.peer}: sync_mode=strict never lets this primary acknowledge alone.`, 'warn');
    return;
  }
  const why = s.peer.dead ? `${cfg.peer} is dead` : leaving ? `${cfg.peer} is leaving` : `${cfg.peer} has not streamed for ${Math.round(s.now - s.lastSyncHealthyAt)} ms`;
  if (cfg.witness) {
    if (s.now < s.leaseUntil) { propose(d, { primary: cfg.self, sync: null }, 'solo', why); return; }
    return waitBecause(d, `Writes wait: ${why}, and SOLO needs the witness while this node holds its lease.`, 'warn');
  }
  if (cfg.unsafe?.dropSyncWithoutProof && s.peer.dead) {
    propose(d, { primary: cfg.self, sync: null }, 'solo', `${why} (UNSAFE policy: no proof)`);
    return;
  }
  if (s.fencedPeerAt !== null) { propose(d, { primary: cfg.self, sync: null }, 'solo', `${why}, and it was fenced`); return; }
  if (cfg.fence && s.peer.dead) {
    say(d, 'warn', `${why}: fencing it before writes may continue without it.`);
    startOp(d, { kind: 'fence', purpose: 'solo' }, () => null);
    return;
  }
  waitBecause(d, `Writes wait: ${why}, and without a witness or a fence only its own word lets this primary stop waiting for it (a partition makes the service wait rather than risk two primaries).`, 'warn');
};

