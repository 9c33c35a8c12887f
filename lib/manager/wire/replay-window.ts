// Replay protection for one peer, as heartbeat's should_drop_message keeps it: (generation, seq) must
// move forward. An older generation is a replay; a newer one means the peer restarted (reset). Within
// a generation a sliding window accepts a seq not seen yet (a copy late on a slower medium) and tells
// a copy already seen (every message goes out on every medium) from one older than the window.

/** Seqs a window remembers below the highest one seen. */
export const REPLAY_WINDOW = 128;

/** What is known of one peer's packets. */
export interface PeerWindow {
  generation: number;
  top: number;
  /** Seqs seen in (top - REPLAY_WINDOW, top], ascending. */
  seen: readonly number[];
  /**
   * Restored from an earlier run of ours: seqs up to here of this generation were accepted then (which
   * ones is not kept), so every one of them is a replay now.
   */
  floor?: number | undefined;
}

/** How a (generation, seq) relates to what was seen. */
export type ReplayOutcome =
  /** First packet from this peer, or a newer generation (restart), or a seq above every one seen. */
  | 'new'
  /** Not seen yet but below the highest seq: a late copy (accept, out of order). */
  | 'late'
  /** Seen already: a copy from another medium (authentic, nothing new). */
  | 'duplicate'
  /** An older generation, or a seq older than the window. */
  | 'replay';

/** Checks a packet's (generation, seq) against a peer's window and returns the window to keep. */
export const checkReplay = (w: PeerWindow | undefined, generation: number, seq: number): { outcome: ReplayOutcome; window: PeerWindow } => {
  if (!w || generation > w.generation) return { outcome: 'new', window: { generation, top: seq, seen: [seq] } };
  if (generation < w.generation) return { outcome: 'replay', window: w };
  if (w.floor !== undefined && seq <= w.floor) return { outcome: 'replay', window: w };
  if (seq > w.top) {
    const seen = [...w.seen.filter((s) => s > seq - REPLAY_WINDOW), seq];
    return { outcome: 'new', window: w.floor === undefined ? { generation, top: seq, seen } : { generation, top: seq, seen, floor: w.floor } };
  }
  if (seq <= w.top - REPLAY_WINDOW) return { outcome: 'replay', window: w };
  if (w.seen.includes(seq)) return { outcome: 'duplicate', window: w };
  return { outcome: 'late', window: { ...w, seen: [...w.seen, seq].sort((a, b) => a - b) } };
};
