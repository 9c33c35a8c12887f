// The messages the core exchanges: heartbeats between the two nodes, requests to and replies from the
// witness. Plain objects; the codec (mgr-config) serialises and authenticates them.
import type { AgreedState } from './agreed-state.ts';
import type { PgReport } from './pg-report.ts';

/** What a node tells its peer every keepalive, on every medium. */
export interface Heartbeat {
  from: string;
  /** Per-sender counter; the peer echoes it in `ack` to vouch for our lease. */
  seq: number;
  /** The sender's run (persisted generation): a restarted sender's seq starts again. */
  incarnation: number;
  /** The newest agreed state the sender knows. */
  state: AgreedState;
  /** The sender holds the service (primary PostgreSQL and the rest of the groups). */
  holding: boolean;
  pg: PgReport | null;
  /** The peer's heartbeat seq this node vouches for: no promotion here for lease*(1+rho) after sending. */
  ack: number | null;
  /** The sender is shutting down or its standby cannot serve: it will not promote. */
  leaving: boolean;
  /** The operator asked the sender to take the service (hb_takeover). */
  wantsService: boolean;
  /** Whom the sender would start as primary at bootstrap (both must agree without a witness). */
  candidate: string | null;
  deadtimeMs: number;
}

/** A change of the agreed state asked of the witness: applied only if its epoch is still `expect`. */
export interface CasRequest {
  expect: number;
  next: AgreedState;
}

/** A node's message to the witness: every keepalive a renewal, sometimes a compare-and-set. */
export interface WitnessRequest {
  from: string;
  id: number;
  state: AgreedState;
  pg: { timeline: number; flushedLsn: number } | null;
  cas?: CasRequest | undefined;
}

/** The witness's answer: its state, the lease it grants (ms, 0 = none) and the CAS outcome. */
export interface WitnessReply {
  to: string;
  id: number;
  state: AgreedState;
  leaseMs: number;
  cas?: { ok: boolean; why: string } | undefined;
}
