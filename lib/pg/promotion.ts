// Who may become primary: rank standbys by timeline then LSN, re-check a promotion against the
// peers' reports, and refuse to start a primary next to a live primary or a newer timeline.
import { formatBytes, formatLsn, type Lsn } from './lsn.ts';
import type { PeerFailure } from './peer-failure.ts';

/** A WAL position on a timeline. */
export interface Position {
  timeline: number;
  lsn: Lsn;
}

/** A node and its position, for ranking. */
export interface Candidate extends Position {
  name: string;
}

/** Orders candidates best first: higher timeline, then higher LSN, then name (a stable tie-break). */
export const compareCandidates = (a: Candidate, b: Candidate): number =>
  b.timeline - a.timeline || (a.lsn < b.lsn ? 1 : a.lsn > b.lsn ? -1 : 0) || a.name.localeCompare(b.name);

/** Candidates best first (a new array). */
export const rankCandidates = (candidates: readonly Candidate[]): Candidate[] => [...candidates].sort(compareCandidates);

/** The best candidate, or undefined when there is none. */
export const bestCandidate = (candidates: readonly Candidate[]): Candidate | undefined => rankCandidates(candidates)[0];

/** Whether `a` is strictly further than `b` (newer timeline, or same timeline and more WAL). */
export const isAhead = (a: Position, b: Position): boolean => a.timeline > b.timeline || (a.timeline === b.timeline && a.lsn > b.lsn);

/** What a peer answered (or that it did not). */
export interface PeerReport {
  name: string;
  /** It answered; when false, `failure` says whether nothing listens there or it could not be asked. */
  reachable: boolean;
  /** Why it did not answer; absent means unreachable (nothing listens there). */
  failure?: PeerFailure | undefined;
  /** Not asked: the cluster manager proved its server stopped (the evidence); counts as unreachable. */
  stopped?: string | undefined;
  /** The peer's own classification; 'primary' means it accepts writes. */
  role?: 'primary' | 'standby' | 'stopped' | 'unknown' | undefined;
  timeline?: number | undefined;
  lsn?: Lsn | undefined;
}

/** An allow/deny answer with a reason naming the peer and the numbers. */
export interface Verdict {
  allow: boolean;
  reason: string;
}

const pos = (p: Position): string => `timeline ${p.timeline} at ${formatLsn(p.lsn)}`;
const deny = (reason: string): Verdict => ({ allow: false, reason });

/** What the standby that wants to promote knows about itself. */
export interface PromotionRequest {
  self: Candidate;
  /** Whether synchronous replication is required for automatic promotion (sync_mode fallback/strict). */
  requireSync: boolean;
  /** Whether we were a synchronous standby (listed, streaming, sync/quorum); undefined if unknown. */
  synchronous: boolean | undefined;
  /**
   * We were the primary of our current timeline and shut down cleanly, so we hold every commit
   * acknowledged on it: with nothing known against us (synchronous undefined), sync is not required.
   */
  formerPrimary?: boolean | undefined;
  /** Largest acceptable lag in bytes behind `lastPrimary`; 0 disables the check. */
  maxlag: bigint;
  /** The last position the old primary was known to have (node attributes, heartbeats), if any. */
  lastPrimary?: (Position & { source: string }) | undefined;
  peers: readonly PeerReport[];
  /**
   * Positions other nodes published for this promotion (Pacemaker's pre-promote notify) and could
   * not be asked directly: a node ahead still forbids it; they never count as answers.
   */
  published?: readonly Candidate[] | undefined;
}

/** Whether a peer that did not answer is alive but could not be asked (which forbids like a primary). */
export const isUnknownPeer = (peer: PeerReport): boolean => !peer.reachable && peer.failure?.kind === 'unknown';

const unknownPeer = (peer: PeerReport): Verdict =>
  deny(`peer ${peer.name} could not be asked where it stands (${peer.failure?.error ?? 'no answer'}), so it may be a running primary: fix the peer check (repuser, pg_hba, max_connections) or stop that node`);

/** Names of the peers nothing listens for (or that were not asked because they are known stopped). */
const unreachableNames = (peers: readonly PeerReport[]): string[] =>
  peers.filter((p) => !p.reachable && !isUnknownPeer(p)).map((p) => `${p.name} (${p.stopped === undefined ? 'unreachable' : 'stopped'})`);

/** A peer that forbids our promotion (a reachable one ahead or primary, or one that could not be asked), as a verdict. */
const peerObjection = (self: Candidate, peer: PeerReport): Verdict | undefined => {
  if (isUnknownPeer(peer)) return unknownPeer(peer);
  if (!peer.reachable) return undefined;
  if (peer.role === 'primary') {
    return deny(`peer ${peer.name} is a running primary${peer.timeline === undefined ? '' : ` on timeline ${peer.timeline}`}`);
  }
  if (peer.timeline === undefined || peer.lsn === undefined) return undefined;
  const theirs = { timeline: peer.timeline, lsn: peer.lsn };
  if (peer.timeline > self.timeline) return deny(`peer ${peer.name} is on timeline ${peer.timeline}, we are on ${self.timeline}`);
  if (isAhead(theirs, self)) {
    return deny(`peer ${peer.name} is ahead: ${pos(theirs)}, we are at ${formatLsn(self.lsn)} (${formatBytes(peer.lsn - self.lsn)} behind)`);
  }
  return undefined;
};

/**
 * Every peer answered, none runs as a primary, and each is on an older timeline than ours. Timelines
 * only grow (nothing here rewinds a node onto an older one), so no node ran a primary on ours but
 * this one or one it streamed from, which would be on ours or newer now: ours is the newest timeline
 * there is, no primary runs, and every commit acknowledged on it is here. Such a standby may be
 * promoted without a sync flag (which speaks of a primary on an older timeline): both sides of a
 * healed partition demoted, say, with the one that was promoted during the cut the newest.
 */
export const newestOfAll = (self: Pick<Position, 'timeline'>, peers: readonly PeerReport[]): boolean =>
  peers.length > 0 && peers.every((p) => p.reachable && p.role === 'standby' && p.timeline !== undefined && p.timeline < self.timeline);

/**
 * Whether this standby may be promoted automatically: no reachable peer is primary, on a newer timeline
 * or ahead; it was synchronous when that is required; and it is within maxlag of the last known primary position.
 */
export const mayPromote = (r: PromotionRequest): Verdict => {
  for (const peer of r.peers) {
    const objection = peerObjection(r.self, peer);
    if (objection) return objection;
  }
  for (const other of r.published ?? []) {
    if (other.timeline > r.self.timeline) return deny(`${other.name} published timeline ${other.timeline} before this promotion, we are on ${r.self.timeline}`);
    if (isAhead(other, r.self)) {
      return deny(`${other.name} published ${pos(other)} before this promotion, we are at ${formatLsn(r.self.lsn)} (${formatBytes(other.lsn - r.self.lsn)} behind)`);
    }
  }
  const newest = newestOfAll(r.self, r.peers);
  if (r.requireSync && r.synchronous !== true && !(r.formerPrimary === true && r.synchronous === undefined) && !newest) {
    return deny(`we were ${r.synchronous === false ? 'not' : 'not known to be'} a synchronous standby, so we may lack acknowledged commits`);
  }
  const last = r.lastPrimary;
  if (last && last.timeline > r.self.timeline) {
    return deny(`the primary was last seen on timeline ${last.timeline} (${last.source}), we are on ${r.self.timeline}`);
  }
  if (last && r.maxlag > 0n && last.timeline === r.self.timeline && last.lsn - r.self.lsn > r.maxlag) {
    return deny(
      `we are ${formatBytes(last.lsn - r.self.lsn)} behind the primary's last known position ${formatLsn(last.lsn)} (${last.source}), more than maxlag ${formatBytes(r.maxlag)}`,
    );
  }
  const unreachable = unreachableNames(r.peers);
  const note = unreachable.length ? `; not compared: ${unreachable.join(', ')}` : '';
  const former = r.formerPrimary === true ? ' (it was the primary of this timeline)'
    : newest && r.requireSync && r.synchronous !== true ? ` (every peer answered from an older timeline: timeline ${r.self.timeline} is the newest there is, and its commits are here)` : '';
  return { allow: true, reason: `${r.self.name} at ${pos(r.self)} is the best reachable node${former}${note}` };
};

/** Whether a node may start as primary: no reachable peer is a primary or on a newer timeline, none could not be asked. */
export const mayStartAsPrimary = (self: Candidate, peers: readonly PeerReport[]): Verdict => {
  const unknown = peers.find(isUnknownPeer);
  if (unknown) return unknownPeer(unknown);
  for (const peer of peers.filter((p) => p.reachable)) {
    if (peer.role === 'primary') {
      const tl = peer.timeline === undefined ? '' : ` on timeline ${peer.timeline} (we are on ${self.timeline})`;
      return deny(`peer ${peer.name} is already a running primary${tl}`);
    }
    if (peer.timeline !== undefined && peer.timeline > self.timeline) {
      return deny(`peer ${peer.name} is on timeline ${peer.timeline}, newer than our timeline ${self.timeline}: it was promoted after us`);
    }
  }
  const unreachable = unreachableNames(peers);
  const note = unreachable.length ? `; not compared: ${unreachable.join(', ')}` : '';
  return { allow: true, reason: `no reachable peer is primary or on a newer timeline than ${self.timeline}${note}` };
};
