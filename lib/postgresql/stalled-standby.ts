// A standby whose WAL receiver does not stream for a while, although a primary runs, is failed by its
// monitor so that the manager restarts it, and the start rejoins it (divergence check, report,
// rewind). A standby that started with no primary to compare with and has WAL the primary's timeline
// forked from never streams again on its own, yet would otherwise report itself healthy.

/** A receiver may be down this long (and three monitor intervals) before it counts as stalled: PostgreSQL retries every 5 s. */
export const STALL_MIN_MS = 15_000;

/**
 * When the receiver was first seen not streaming, carried over from the previous state record;
 * undefined while it streams. Replay that moved on since the previous record (WAL restored from an
 * archive, say) restarts the count: the standby is making progress.
 */
export const notStreamingSince = (previousState: string | undefined, streaming: boolean, now: Date, replayLsn?: string): string | undefined => {
  if (streaming) return undefined;
  try {
    const prev = JSON.parse(previousState ?? '{}') as { role?: unknown; not_streaming_since?: unknown; replay_lsn?: unknown };
    const progressed = replayLsn !== undefined && prev.replay_lsn !== replayLsn;
    if (prev.role === 'standby' && !progressed && typeof prev.not_streaming_since === 'string' && !Number.isNaN(Date.parse(prev.not_streaming_since))) {
      return prev.not_streaming_since;
    }
  } catch {
    // An unreadable record starts the count afresh.
  }
  return now.toISOString();
};

/** Whether a receiver not streaming since `since` counts as stalled at `now` for a monitor every `intervalMs`. */
export const isStalled = (since: string | undefined, now: Date, intervalMs: number): boolean =>
  since !== undefined && now.getTime() - Date.parse(since) >= Math.max(3 * intervalMs, STALL_MIN_MS);
