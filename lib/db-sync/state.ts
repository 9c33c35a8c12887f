// The state file monitor reads: the last good copy (when, how big, how long, bytes moved) and the last
// run's outcome. JSON, one object; a malformed file reads as "no good copy recorded".

/** A copy that was completed and switched in. */
export interface GoodCopy {
  /** Seconds since the epoch when the copy was switched in. */
  finishedAt: number;
  method: string;
  source: string;
  /** Bytes in the copy's data directory. */
  sizeBytes: number;
  /** Bytes that crossed the wire for it. */
  bytesMoved: number;
  durationMs: number;
  systemId: string;
  timeline: number;
  /** The copy's checkpoint, as 'X/Y'. */
  checkpoint: string;
}

/** The last run, good or not. */
export interface RunRecord {
  at: number;
  ok: boolean;
  /** One sentence: what happened. */
  reason: string;
}

/** The whole state file. */
export interface SyncState {
  lastGood: GoodCopy | undefined;
  lastRun: RunRecord | undefined;
}

/** An empty state. */
export const NO_STATE: SyncState = { lastGood: undefined, lastRun: undefined };

/** Parses the state file's text; anything unreadable becomes NO_STATE. */
export const parseState = (text: string | undefined): SyncState => {
  if (text === undefined) return NO_STATE;
  try {
    const o = JSON.parse(text) as Partial<SyncState>;
    const good = o.lastGood;
    const lastGood = good && typeof good.finishedAt === 'number' && typeof good.sizeBytes === 'number' ? good : undefined;
    const run = o.lastRun;
    const lastRun = run && typeof run.at === 'number' && typeof run.ok === 'boolean' ? run : undefined;
    return { lastGood, lastRun };
  } catch {
    return NO_STATE;
  }
};

/** The state file's text. */
export const renderState = (s: SyncState): string => `${JSON.stringify(s, null, 2)}\n`;

/** What monitor concludes about the copy's age. */
export type AgeVerdict = { ok: true; reason: string } | { ok: false; reason: string };

/**
 * Whether the last good copy is fresh enough at `now` (seconds) for `maxAge` seconds (0: any age). The
 * supervisor gets max_age from `since` (its start) to make its first copy.
 */
export const ageVerdict = (s: SyncState, now: number, maxAge: number, since: number): AgeVerdict => {
  const last = s.lastRun && !s.lastRun.ok ? ` (last run: ${s.lastRun.reason})` : '';
  const grace = maxAge === 0 || now - since <= maxAge;
  if (s.lastGood === undefined) {
    return grace ? { ok: true, reason: 'no good copy recorded yet' } : { ok: false, reason: `no good copy recorded in ${Math.round(now - since)} s, more than max_age=${maxAge}${last}` };
  }
  const age = Math.max(0, Math.round(now - s.lastGood.finishedAt));
  const what = `the last good copy is ${age} s old (${s.lastGood.method} from ${s.lastGood.source}, ${s.lastGood.sizeBytes} bytes, ${s.lastGood.bytesMoved} moved in ${Math.round(s.lastGood.durationMs / 1000)} s)`;
  if (maxAge > 0 && age > maxAge) {
    if (grace) return { ok: true, reason: `${what}, but the supervisor started ${Math.round(now - since)} s ago, within max_age` };
    return { ok: false, reason: `${what}, older than max_age=${maxAge}${last}` };
  }
  return { ok: true, reason: what };
};
