// The tick's decisions, first rule that applies wins: the lease first (it cannot wait), then the
// shutdown, then what the agreed state asks of us as its primary, its standby, or while nobody is
// primary. Each decision starts at most one action and says why; waiting says why too, once.
import type { AgreedState, Released } from './agreed-state.ts';
import { pgPos, propose, say, startOp, waitBecause, type Draft } from './draft.ts';
import { recordSent } from './lease.ts';
import { silenceMs } from './membership.ts';
import { compareData, isHealthyStandby } from './pg-report.ts';

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
  if (!cfg.witness && s.agreed.primary === cfg.peer && s.agreed.sync === cfg.self) {
    propose(d, { primary: cfg.peer, sync: null }, 'abdicate', 'shutting down, this node will not promote');
    return true;
  }
  // With a witness the primary records SOLO when it sees `leaving`; give it two deadtimes.
  if (cfg.witness && s.agreed.primary === cfg.peer && s.agreed.sync === cfg.self && !s.peer.dead && s.now - (s.leavingAt ?? s.now) < 2 * cfg.deadtimeMs) return true;
  startOp(d, { kind: 'stop' }, (id) => ({ op: 'stop', id }));
  return true;
};

/** The agreed state names us primary. */
const asPrimary = (d: Draft): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  if (!s.holding) return takeRule(d);
  if (s.pg !== null && s.pg.role !== 'primary') {
    say(d, 'warn', 'PostgreSQL no longer runs as primary under the service: releasing the groups, then taking them again.');
    startOp(d, { kind: 'release', purpose: 'stale' }, (id) => ({ op: 'release', id, urgent: false }));
    return;
  }
  const peerHb = s.peerHb;
  const peerAlive = !s.peer.dead && peerHb !== null;
  const myTl = s.pg?.timeline ?? null;
  const peerHealthy = peerAlive && !peerHb.leaving && isHealthyStandby(peerHb.pg, myTl);
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

/** Take the service we are recorded primary of, with a lease (witness) or the peer's agreement (none). */
const takeRule = (d: Draft): void => {
  const { s, cfg } = d;
  if (s.command === 'standby') s.command = null;
  if (s.leaving) return;
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
    if (s.syncTarget !== null) {
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

/** The agreed state names the peer primary: follow it; promote only by the rules. */
const asStandby = (d: Draft): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  if (s.holding) {
    say(d, 'crit', `The agreed state names ${cfg.peer} primary: this node steps down.`);
    startOp(d, { kind: 'release', purpose: 'stale' }, (id) => ({ op: 'release', id, urgent: true }));
    return;
  }
  const peerDead = s.peer.dead || s.fencedPeerAt !== null;
  if (!peerDead && (s.pg === null || s.pg.role !== 'standby')) {
    if (s.leaving) return;
    say(d, 'info', `Following ${cfg.peer}: starting PostgreSQL as its standby${s.pg?.role === 'primary' ? ' (a stale primary: stopped and rewound)' : ''}.`);
    startOp(d, { kind: 'follow' }, (id) => ({ op: 'follow', id }));
    return;
  }
  if (!peerDead) {
    // No witness: give our word that we will not promote when we cannot serve as synchronous standby.
    const broken = s.standbyUnhealthySince !== null && s.now - s.standbyUnhealthySince >= cfg.deadtimeMs && s.peerHb?.pg?.role === 'primary';
    if (!cfg.witness && a.sync === cfg.self && broken) {
      propose(d, { primary: cfg.peer, sync: null }, 'abdicate', `this standby has not streamed for ${Math.round(s.now - (s.standbyUnhealthySince ?? s.now))} ms`);
    }
    if (s.command === 'takeover') { s.command = null; }
    return;
  }
  failoverRule(d);
};

/** The peer is dead: promote only as the synchronous standby, after every promise lapsed. */
const failoverRule = (d: Draft): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  if (s.leaving) return;
  if (a.sync !== cfg.self) {
    return waitBecause(d, `${cfg.peer} is dead but the agreed state is SOLO (${cfg.peer} may have acknowledged commits this node lacks): not promoting.`, 'warn');
  }
  if (s.pg === null || s.pg.role === 'primary') return;
  if (!cfg.unsafe?.ignoreLeases && s.now < s.promiseUntil) {
    return waitBecause(d, `Waiting ${Math.round(s.promiseUntil - s.now)} ms for the lease this node vouched for to lapse.`);
  }
  if (cfg.witness) {
    propose(d, { primary: cfg.self, sync: null }, 'take', `${cfg.peer} is dead and this node is its synchronous standby`);
    return;
  }
  if (s.fencedPeerAt !== null) {
    propose(d, { primary: cfg.self, sync: null }, 'take', `${cfg.peer} was fenced and this node is its synchronous standby`);
    return;
  }
  if (!s.peerSeenSinceBoot) {
    return waitBecause(d, `This node restarted and has not heard ${cfg.peer} since: its silence is no reason to promote from a possibly stale state.`, 'warn');
  }
  if (!cfg.fence) {
    return waitBecause(d, `${cfg.peer} looks dead, but with no witness and no fence a dead peer cannot be told from a cut link: not promoting (the service waits rather than risk two primaries).`, 'warn');
  }
  if (silenceMs(s.peer, s.now) < cfg.deadtimeMs + cfg.fenceSkewMs) return;
  say(d, 'warn', `${cfg.peer} is dead: fencing it before promoting.`);
  startOp(d, { kind: 'fence', purpose: 'promote' }, () => null);
};

/** Nobody is primary: the successor of a clean release takes; at bootstrap the best node takes. */
const withoutPrimary = (d: Draft): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  const rel = a.released;
  if (rel !== undefined) return afterRelease(d, rel);
  const candidate = bootstrapCandidate(d);
  if (candidate === null) return waitBecause(d, `Bootstrap: waiting to hear ${cfg.peer} and both data positions.`);
  if (candidate !== cfg.self) return waitBecause(d, `Bootstrap: ${cfg.peer} has the better claim to be primary.`);
  if (!cfg.witness && s.peerHb?.candidate !== cfg.self) return waitBecause(d, `Bootstrap: waiting for ${cfg.peer} to agree that this node starts as primary.`);
  propose(d, { primary: cfg.self, sync: cfg.peer }, 'take', 'bootstrap: this node has the most data (or is preferred)');
};

/** Whom we would start as primary at bootstrap: more data first, then the preferred node, then the first name. */
export const bootstrapCandidate = (d: Draft): string | null => {
  const { s, cfg } = d;
  if (s.agreed.primary !== null || s.agreed.released !== undefined) return null;
  const peerPg = s.peerHb?.pg ?? null;
  if (s.pg === null || peerPg === null || s.peer.dead) return null;
  const c = compareData(s.pg, peerPg);
  if (c !== 0) return c > 0 ? cfg.self : cfg.peer;
  if (cfg.preferred === cfg.self || cfg.preferred === cfg.peer) return cfg.preferred;
  return cfg.selfIndex === 0 ? cfg.self : cfg.peer;
};

const afterRelease = (d: Draft, rel: Released): void => {
  const { s, cfg } = d;
  const a = s.agreed;
  if (s.releaseSeenAt === null) s.releaseSeenAt = s.now;
  const seen = s.releaseSeenAt;
  if (rel.successor === cfg.self) {
    if (s.leaving) return;
    const hasData = s.pg !== null && s.pg.role !== 'primary' && (a.sync === cfg.self || (s.pg.timeline === rel.timeline && s.pg.flushedLsn >= rel.lsn));
    if (hasData) {
      propose(d, { primary: cfg.self, sync: null }, 'take', `${cfg.peer} released the service to this node${a.sync === cfg.self ? ' (synchronous standby)' : ` and it has everything up to ${rel.lsn}`}`);
      return;
    }
    if (s.now - seen >= cfg.handoverTimeoutMs && !s.peer.dead) {
      propose(d, { primary: null, sync: a.sync, released: { ...rel, successor: cfg.peer } }, 'handback', `this node did not receive ${cfg.peer}'s WAL up to ${rel.lsn} in time`);
      return;
    }
    return waitBecause(d, `Handover: waiting to receive ${cfg.peer}'s WAL up to ${rel.timeline}/${rel.lsn}.`);
  }
  // We released to the peer: take it back only if it cannot take (it handed back, it died and the witness agrees).
  if (s.now - seen < cfg.handoverTimeoutMs || s.leaving || s.command === 'standby') return;
  if (cfg.witness && s.peer.dead && s.pg !== null && s.pg.role !== 'primary') {
    propose(d, { primary: cfg.self, sync: null }, 'take', `${cfg.peer} did not take the released service in ${cfg.handoverTimeoutMs} ms`);
    return;
  }
  waitBecause(d, `Released to ${cfg.peer}; waiting for it to take the service.`);
};

/** After a handover or shutdown release: record who takes next and from which position. */
export const releaseNow = (d: Draft, at: { timeline: number; lsn: number }): void => {
  const { s, cfg } = d;
  propose(d, { primary: null, sync: s.agreed.sync, released: { ...at, successor: cfg.peer } }, 'release', `released cleanly at ${at.timeline}/${at.lsn}`);
};
