// A model of PostgreSQL replication, just detailed enough for the invariants: WAL as a list of unique
// entries (commits and markers) each on a timeline; a primary acknowledges a commit when its synchronous
// standby has flushed it or when synchronous_standby_names is empty (emptying it releases the waiters);
// promotion starts a new timeline; a standby streams only while its WAL is a prefix of the primary's.

/** One WAL record. */
export interface WalEntry { id: number; tl: number; commit: boolean }

/** One node's PostgreSQL. */
export interface PgModel {
  role: 'primary' | 'standby' | 'stopped';
  /** standby.signal: a stopped standby starts as a standby again (and must be promoted to write). */
  standbySignal: boolean;
  timeline: number;
  wal: WalEntry[];
  syncNames: string | null;
  /** Commits waiting for the synchronous standby, by WAL position (1-based length after them). */
  pending: { entry: WalEntry; lsn: number }[];
  /** Standby: streams from the peer right now. */
  streaming: boolean;
  /** Primary: the streaming standby's flushed length, null when none streams. */
  standbyFlushed: number | null;
}

/** A fresh instance with a shared initial history. */
export const newPg = (wal: WalEntry[]): PgModel => ({
  role: 'stopped', standbySignal: false, timeline: 1, wal: [...wal], syncNames: null, pending: [], streaming: false, standbyFlushed: null,
});

/** Whether `a`'s WAL is a prefix of (or equal to) `b`'s. */
export const isPrefix = (a: WalEntry[], b: WalEntry[]): boolean =>
  a.length <= b.length && (a.length === 0 || a[a.length - 1] === b[a.length - 1]);

/** Length of the common history of two WALs. */
export const commonPrefix = (a: WalEntry[], b: WalEntry[]): number => {
  const n = Math.min(a.length, b.length);
  // Entries are shared objects, so once two positions match everything before matches too.
  let lo = 0; let hi = n;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid - 1] === b[mid - 1]) lo = mid; else hi = mid - 1;
  }
  return lo;
};
