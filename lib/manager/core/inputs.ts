// Everything that can happen to the core: the clock, the peer, the media, the witness, the resource
// side, the fence and the operator. Each input carries the monotonic time it happened at.
import type { Heartbeat, WitnessReply } from './messages.ts';
import type { PgReport } from './pg-report.ts';

/** Operator commands (hb_standby, hb_takeover, stopping the daemon). */
export type Command = 'standby' | 'takeover' | 'shutdown';

/** One input to `step`. */
export type Input =
  | { kind: 'tick'; now: number }
  | { kind: 'heartbeat'; now: number; link: string; hb: Heartbeat }
  | { kind: 'medium'; now: number; link: string; up: boolean; reason?: string | undefined }
  | { kind: 'witnessReply'; now: number; reply: WitnessReply }
  | { kind: 'probe'; now: number; pg: PgReport | null }
  | { kind: 'resourceDone'; now: number; id: number; ok: boolean; reason?: string | undefined; lsn?: number | undefined; timeline?: number | undefined }
  | { kind: 'fenceDone'; now: number; id: number; ok: boolean }
  | { kind: 'command'; now: number; command: Command };
