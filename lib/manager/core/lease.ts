// Lease arithmetic on monotonic clocks. A holder's lease runs from the *send* time of a renewal that a
// voter (the peer or the witness) acknowledged; a voter promises no other primary for longer, measured
// from when the acknowledged renewal (or anything later from the holder) arrived: never before the send. With clock rates within rho of each other the holder's lease always ends
// first, and actMargin leaves time to drop the address before it does.

/** The holder's lease end for a renewal sent at `sentAt` and acknowledged for `leaseMs`. */
export const holderLeaseEnd = (sentAt: number, leaseMs: number, rho: number, actMarginMs: number): number =>
  sentAt + leaseMs * (1 - rho) - actMarginMs;

/** The voter's promise end for a renewal received at or before `ackAt`: no other primary before it. */
export const voterPromiseEnd = (ackAt: number, leaseMs: number, rho: number): number => ackAt + leaseMs * (1 + rho);

/** Send times of recent outgoing messages by id, to date acknowledgements (bounded ring). */
export interface SentTimes {
  ids: number[];
  at: number[];
}

const RING = 32;

/** Records that message `id` left at `at`. */
export const recordSent = (s: SentTimes, id: number, at: number): SentTimes => {
  const ids = [...s.ids, id];
  const times = [...s.at, at];
  return ids.length > RING ? { ids: ids.slice(-RING), at: times.slice(-RING) } : { ids, at: times };
};

/** When message `id` left, if it is recent enough to remember. */
export const sentAt = (s: SentTimes, id: number): number | undefined => {
  const i = s.ids.lastIndexOf(id);
  return i < 0 ? undefined : s.at[i];
};
