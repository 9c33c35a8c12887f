// The ports through which the manager's pure core meets the world. The daemon wires real adapters
// (lib/manager/**/io/), the simulation wires simulated ones, so both run the same core.
import type { ResourceSpec } from './config/cluster-config.ts';

/** Monotonic time in milliseconds (never wall-clock). */
export interface Clock {
  now(): number;
}

/** Link state of one medium as the adapter sees it (the core also tracks per-peer freshness). */
export interface MediumStatus {
  up: boolean;
  reason?: string | undefined;
}

/** One heartbeat medium (UDP bcast/mcast/ucast, serial). Frames are opaque bytes here. */
export interface Medium {
  /** For logs and status, e.g. "ucast eth1 198.51.100.2" or "serial /dev/ttyS0". */
  readonly name: string;
  /** Sends one frame; never throws (failures show through onStatus). */
  send(frame: Uint8Array): Promise<void>;
  /** Every frame received, whole (a stream medium delimits frames itself). */
  onFrame(handler: (frame: Uint8Array) => void): void;
  onStatus(handler: (status: MediumStatus) => void): void;
  close(): Promise<void>;
}

/** Actions a resource can be asked for (OCF names; v1 scripts map status/monitor). */
export type ResourceAction = 'start' | 'stop' | 'monitor' | 'promote' | 'demote' | 'notify' | 'status' | 'meta-data' | 'validate-all';

/** The outcome of one action: an OCF code (v1 scripts mapped onto 0/1/7), never an exception. */
export interface ActionResult {
  code: number;
  timedOut: boolean;
  durationMs: number;
  /** The agent's ocf-exit-reason line, or the tail of its stderr. */
  reason?: string | undefined;
}

/** Runs resource actions as executables (the manager never imports an agent). */
export interface ResourceRunner {
  run(resource: ResourceSpec, action: ResourceAction, opts: { timeoutMs: number; env?: Record<string, string> | undefined }): Promise<ActionResult>;
}

/** Runs a configured fence command against a peer; true only on exit 0 within the timeout. */
export interface Fencer {
  fence(node: string, timeoutMs: number): Promise<boolean>;
}

/** Small durable state (generation, epoch, last agreed state): written and fsynced before use. */
export interface Store<T> {
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
}

/** The result of one service operation (see core/effects.ts ResourceOp): data, never an exception. */
export interface OpResult {
  ok: boolean;
  reason?: string | undefined;
  /** release: the final flushed LSN; setSync: the flushed LSN after the reload. */
  lsn?: number | undefined;
  timeline?: number | undefined;
}

/** The core's operations carried out on every haresources group (the resource side implements them). */
export interface ServiceResources {
  /** PostgreSQL runs as a standby of the peer (a stale primary stopped and rewound); nothing else runs. */
  follow(): Promise<OpResult>;
  /**
   * Promote (or start as primary) with synchronous_standby_names = syncStandby, then start the groups;
   * no promotion and no address at or after `leaseUntil()`; `dad` false: add addresses without the
   * duplicate-address probe (the peer is known not to hold them, core/address-probe.ts); `peerDown`:
   * the peer is known down, the promotion does not ask it where it stands.
   */
  take(syncStandby: string | null, leaseUntil: () => number, o: { dad: boolean; peerDown: boolean }): Promise<OpResult>;
  /** Stop the groups right to left and PostgreSQL cleanly; `urgent`: drop the addresses first, at once. */
  release(urgent: boolean): Promise<OpResult>;
  /** Set synchronous_standby_names on the primary (empty for null) and reload. */
  setSync(syncStandby: string | null): Promise<OpResult>;
  /** Stop everything (shutdown). */
  stop(): Promise<OpResult>;
}

/** One way to the witness: sends request frames, delivers reply frames. */
export interface WitnessLink {
  send(frame: Uint8Array): void;
  onFrame(handler: (frame: Uint8Array) => void): void;
  close(): Promise<void>;
}
