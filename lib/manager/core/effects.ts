// What the core asks the world to do. The daemon carries effects out in order (persist before the
// messages that follow it); the simulation carries them out on its models.
import type { AgreedState } from './agreed-state.ts';
import type { Heartbeat, WitnessRequest } from './messages.ts';

/**
 * Resource operations on the local groups:
 * - follow: run PostgreSQL as a standby of the peer (stop a stale primary, rewind it if it diverged);
 *   the rest of the groups stay stopped;
 * - take: set synchronous_standby_names to `syncStandby` (empty for null), promote (or start as primary),
 *   then start the rest of the groups left to right; neither promote nor add an address at or after the
 *   lease end (the last `lease` effect; with a witness configured it starts at -Infinity, without one at
 *   +Infinity): check it right before each of those steps;
 * - release: stop the groups right to left and stop PostgreSQL cleanly (report its final LSN); when
 *   `urgent` (lease ending) drop the addresses first, at once, even while another action runs;
 * - setSync: change synchronous_standby_names on the primary and report the flushed LSN after the reload;
 * - stop: stop everything (shutdown).
 */
export type ResourceOp =
  | { op: 'follow'; id: number }
  | { op: 'take'; id: number; syncStandby: string | null }
  | { op: 'release'; id: number; urgent: boolean }
  | { op: 'setSync'; id: number; syncStandby: string | null }
  | { op: 'stop'; id: number };

/** One effect. */
export type Effect =
  | { kind: 'send'; hb: Heartbeat }
  | { kind: 'witness'; request: WitnessRequest }
  | { kind: 'persist'; state: AgreedState }
  /** The holder's lease now ends at `until` (monotonic): the resource side adds no address past it. */
  | { kind: 'lease'; until: number }
  | { kind: 'fence'; id: number; node: string }
  | { kind: 'resource'; action: ResourceOp }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'crit'; sentence: string };
