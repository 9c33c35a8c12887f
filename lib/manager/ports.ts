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
