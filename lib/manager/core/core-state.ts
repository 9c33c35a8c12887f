// The core's whole state: plain data, replaced (never mutated) by each step.
import { INITIAL_STATE, type AgreedState } from './agreed-state.ts';
import type { CoreConfig } from './core-config.ts';
import type { Command } from './inputs.ts';
import type { SentTimes } from './lease.ts';
import { newMembership, type Membership } from './membership.ts';
import type { CasRequest, Heartbeat } from './messages.ts';
import type { PgReport } from './pg-report.ts';

/** What a compare-and-set (or a local proposal) is for, to say so in the log. */
export type Purpose = 'take' | 'solo' | 'sync' | 'release' | 'handback' | 'abdicate';

/** The resource or fence action in flight (one at a time). */
export interface Op {
  kind: 'follow' | 'take' | 'release' | 'setSync' | 'stop' | 'fence';
  id: number;
  startedAt: number;
  /** release: why; fence: what it unblocks. */
  purpose?: 'lease' | 'stale' | 'handover' | 'shutdown' | 'promote' | 'solo' | undefined;
  target?: string | null | undefined;
}

/** The core's state. */
export interface CoreState {
  now: number;
  bootAt: number;
  /** This run's incarnation (persisted generation): orders the peer's heartbeats across its restarts. */
  incarnation: number;
  lastTickAt: number | null;
  agreed: AgreedState;
  pg: PgReport | null;
  peer: Membership;
  peerHb: Heartbeat | null;
  peerIncarnation: number;
  peerSeenSinceBoot: boolean;
  /** We hold the service: primary PostgreSQL and the rest of the groups were taken. */
  holding: boolean;
  /** What we last set synchronous_standby_names to (undefined: not set by this run). */
  syncTarget: string | null | undefined;
  seq: number;
  nextSendAt: number;
  sent: SentTimes;
  /** Holder: the lease ends here (monotonic); -Infinity when none. */
  leaseUntil: number;
  /** Voter: no promotion here before this. */
  promiseUntil: number;
  witness: {
    nextId: number;
    sent: SentTimes;
    nextRenewAt: number;
    lastReplyAt: number | null;
    cas: { id: number; request: CasRequest; sentAt: number; purpose: Purpose } | null;
  };
  op: Op | null;
  nextOpId: number;
  /** No new action before this (after a failure). */
  retryAt: number;
  /** A fence of the peer succeeded at this time (forgotten when the peer is heard again). */
  fencedPeerAt: number | null;
  /** Fence the peer before taking (set when the witness granted a takeover and a fence is configured). */
  fenceBeforeTake: boolean;
  /** Add rule: the primary's flushed LSN once synchronous_standby_names named the peer. */
  addSyncFrom: number | null;
  /** Primary: the last time the synchronous standby was seen streaming. */
  lastSyncHealthyAt: number;
  /** Standby: since when the local standby has not been streaming (null while it streams). */
  standbyUnhealthySince: number | null;
  /** Primary: since when the preferred peer has been an eligible standby (auto_failback). */
  failbackReadySince: number | null;
  /** Primary: when PostgreSQL was restarted in place under the service (crashed), newest last. */
  restartsAt: number[];
  /** When a release record naming a successor was first seen (handover timeout). */
  releaseSeenAt: number | null;
  command: Command | null;
  wantsServiceUntil: number;
  /** Shutting down: hand over, then stop; `finished` once everything is stopped. */
  leaving: boolean;
  leavingAt: number | null;
  finished: boolean;
  /** The last "waiting because" sentence, so it is logged once, not every tick. */
  waiting: string | null;
}

/** The state of a node that just started, with the agreed state it persisted (if any). */
export const initCoreState = (cfg: CoreConfig, now: number, persisted: AgreedState | undefined, incarnation: number): CoreState => ({
  now,
  bootAt: now,
  incarnation,
  lastTickAt: null,
  agreed: persisted ?? INITIAL_STATE,
  pg: null,
  peer: newMembership(cfg.links, now),
  peerHb: null,
  peerIncarnation: -1,
  peerSeenSinceBoot: false,
  holding: false,
  syncTarget: undefined,
  seq: 0,
  nextSendAt: now,
  sent: { ids: [], at: [] },
  leaseUntil: -Infinity,
  promiseUntil: -Infinity,
  witness: { nextId: 1, sent: { ids: [], at: [] }, nextRenewAt: now, lastReplyAt: null, cas: null },
  op: null,
  nextOpId: 1,
  retryAt: now,
  fencedPeerAt: null,
  fenceBeforeTake: false,
  addSyncFrom: null,
  lastSyncHealthyAt: now,
  standbyUnhealthySince: null,
  failbackReadySince: null,
  restartsAt: [],
  releaseSeenAt: persisted?.released !== undefined ? now : null,
  command: null,
  wantsServiceUntil: -Infinity,
  leaving: false,
  leavingAt: null,
  finished: false,
  waiting: null,
});
