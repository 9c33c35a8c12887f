// When the receiver's peer windows are saved for the next run: at once when a peer's generation
// changes (it restarted: its older packets are replays from now on), and the highest seq at most
// every `intervalMs` (a save is an fsync; packets come every keepalive on every medium).
import type { SavedPeer } from './receive.ts';

/**
 * The peers' highest seqs are saved at most this often (their generations at once; a save is five
 * file operations and an fsync). A node that restarts accepts again, once each, the peer's packets of
 * its current generation from the last interval before the stop: authentic and at most that old, so
 * a replay could only make a dead peer look alive for that long (the core orders the states they
 * carry by epoch, so none is taken for newer than it is).
 */
export const PEER_SAVE_INTERVAL_MS = 5_000;

/** Whether `current` should be saved now, `saved` being what was saved last, at `savedAt`. */
export const saveDue = (saved: Readonly<Record<string, SavedPeer>>, current: Readonly<Record<string, SavedPeer>>, savedAt: number, now: number, intervalMs: number): boolean => {
  let moved = false;
  for (const [node, c] of Object.entries(current)) {
    const s = saved[node];
    if (s === undefined || s.generation !== c.generation) return true;
    if (s.top !== c.top) moved = true;
  }
  return moved && now - savedAt >= intervalMs;
};
