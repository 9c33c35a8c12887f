// Delays between attempts to reopen a medium: exponential, capped, never zero (no busy loop).

/** Backoff bounds in milliseconds. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** heartbeat 3.0.6 spins on a vanished tty; pgbeat waits 100 ms, doubling up to 5 s. */
export const MEDIUM_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 5000 };

/** The wait before attempt number `failures` + 1 after `failures` consecutive failures (failures >= 1). */
export const backoffDelay = (failures: number, policy: BackoffPolicy): number =>
  Math.min(policy.maxMs, Math.max(1, policy.initialMs) * 2 ** Math.min(30, Math.max(0, failures - 1)));
