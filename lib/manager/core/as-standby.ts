// Rules for the node the agreed state names standby: follow the primary, give its word that it will
// not promote when it cannot serve (no witness), and promote only as the synchronous standby, once
// every promise lapsed, through the witness or after a fence.
import { takeSync } from './core-config.ts';
import { propose, say, startOp, waitBecause, type Draft } from './draft.ts';
import { silenceMs } from './membership.ts';

/** The agreed state names the peer primary: follow it; promote only by the rules. */
export const asStandby = (d: Draft): void => {
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
    if (!cfg.witness && !cfg.neverSolo && a.sync === cfg.self && broken) {
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
    propose(d, { primary: cfg.self, sync: takeSync(cfg) }, 'take', `${cfg.peer} is dead and this node is its synchronous standby`);
    return;
  }
  if (s.fencedPeerAt !== null) {
    propose(d, { primary: cfg.self, sync: takeSync(cfg) }, 'take', `${cfg.peer} was fenced and this node is its synchronous standby`);
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

