// What a stopped instance must do before it can stream from the current primary.
import type { Divergence } from '../pg/timeline-history.ts';

/** The step a rejoin takes, with the sentence that explains it. */
export type RejoinStep =
  | { step: 'follow'; reason: string }
  | { step: 'rewind'; reason: string }
  | { step: 'rebuild'; reason: string }
  | { step: 'refuse'; reason: string };

/** What the plan needs to know besides the divergence. */
export interface RejoinOptions {
  rewind: boolean;
  rebuild: boolean;
  /** Why pg_rewind cannot run here (no wal_log_hints nor checksums), if it cannot. */
  rewindBlocker: string | undefined;
}

/**
 * Not diverged: follow as is. Diverged: rewind when allowed and possible, else rebuild (the old
 * directory is kept aside) when allowed, else refuse with what to do.
 */
export const planRejoin = (d: Divergence, o: RejoinOptions): RejoinStep => {
  if (!d.diverged) return { step: 'follow', reason: d.reason };
  if (o.rewind && o.rewindBlocker === undefined) return { step: 'rewind', reason: d.reason };
  const why = !o.rewind ? 'rewind is off' : `pg_rewind cannot run: ${o.rewindBlocker}`;
  if (o.rebuild) return { step: 'rebuild', reason: `${d.reason}; ${why}` };
  return {
    step: 'refuse',
    reason: `${d.reason}; ${why} and rebuild is off: rewind or re-clone this node by hand, or set rebuild=true`,
  };
};

/** The step to take when pg_rewind itself failed. */
export const afterFailedRewind = (rebuild: boolean, failure: string): RejoinStep =>
  rebuild
    ? { step: 'rebuild', reason: `pg_rewind failed (${failure})` }
    : { step: 'refuse', reason: `pg_rewind failed (${failure}) and rebuild is off; the data directory is unchanged` };

/** Name for the old data directory moved aside by a rebuild (never deleted). */
export const asideName = (pgdata: string, at: Date): string =>
  `${pgdata.replace(/\/+$/, '')}.pgbeat-old-${at.toISOString().replace(/[:.]/g, '-')}`;
