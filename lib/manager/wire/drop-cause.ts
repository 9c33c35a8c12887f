// Why a received frame was not accepted, and per-cause counters (for status, metrics and rate-limited logs).

/** Every cause a frame is dropped for. */
export const DROP_CAUSES = [
  'oversized', 'truncated', 'malformed', 'bad-version', 'wrong-cluster', 'unknown-key', 'bad-mac',
  'unknown-node', 'not-for-us', 'own', 'duplicate', 'replay',
] as const;

/** One cause: the first seven come before authentication, the rest concern authentic packets. */
export type DropCause = typeof DROP_CAUSES[number];

/** Frames dropped so far, per cause. */
export type DropCounters = Readonly<Record<DropCause, number>>;

/** All counters at zero. */
export const noDrops = (): DropCounters =>
  Object.fromEntries(DROP_CAUSES.map((c) => [c, 0])) as Record<DropCause, number>;

/** The counters with one more drop for `cause`. */
export const countDrop = (counters: DropCounters, cause: DropCause): DropCounters => ({ ...counters, [cause]: counters[cause] + 1 });
