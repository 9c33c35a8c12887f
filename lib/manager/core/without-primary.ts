// Rules while nobody is primary: after a clean release its successor takes (or hands back); at
// bootstrap the node with the most data (then the preferred one, then the first name) takes.
import type { Released } from './agreed-state.ts';
import { takeSync } from './core-config.ts';
import { propose, waitBecause, type Draft } from './draft.ts';
import { compareData } from './pg-report.ts';

/** Nobody is primary: the successor of a clean release takes; at bootstrap the best node takes. */
export const withoutPrimary = (d: Draft): void => {
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
      propose(d, { primary: cfg.self, sync: takeSync(cfg) }, 'take', `${cfg.peer} released the service to this node${a.sync === cfg.self ? ' (synchronous standby)' : ` and it has everything up to ${rel.lsn}`}`);
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
    propose(d, { primary: cfg.self, sync: takeSync(cfg) }, 'take', `${cfg.peer} did not take the released service in ${cfg.handoverTimeoutMs} ms`);
    return;
  }
  waitBecause(d, `Released to ${cfg.peer}; waiting for it to take the service.`);
};

/** After a handover or shutdown release: record who takes next and from which position. */
export const releaseNow = (d: Draft, at: { timeline: number; lsn: number }): void => {
  const { s, cfg } = d;
  propose(d, { primary: null, sync: s.agreed.sync, released: { ...at, successor: cfg.peer } }, 'release', `released cleanly at ${at.timeline}/${at.lsn}`);
};
