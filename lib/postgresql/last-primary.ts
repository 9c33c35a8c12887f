// Where the primary last was, as a standby heard it. Each message a walsender sends carries the
// primary's end of WAL (pg_stat_wal_receiver.latest_end_lsn), ahead of the data when the standby
// lags. The standby's monitor records it in the state file; at promotion, with the primary gone,
// it is the one figure maxlag can be held against under any manager, the classic heartbeat included.
import { isAhead, type Position } from '../pg/promotion.ts';
import { parseLsn } from '../pg/lsn.ts';
import type { WalReceiverRow } from '../pg/replication-views.ts';

/** A position of the primary and where it was learnt. */
export interface PrimarySighting extends Position {
  source: string;
}

/** The primary's end of WAL from a WAL receiver row; undefined when it reported none. */
export const sightingFromReceiver = (r: WalReceiverRow | undefined, source: string): PrimarySighting | undefined =>
  r?.latestEndLsn === undefined || r.receivedTimeline === undefined ? undefined : { timeline: r.receivedTimeline, lsn: r.latestEndLsn, source };

/**
 * The sighting in a state file the standby's monitor wrote, if it was written while the current
 * server ran (`serverStartedAt`, epoch seconds): an older one may describe another history.
 */
export const sightingFromState = (stateText: string | undefined, serverStartedAt: number | undefined): PrimarySighting | undefined => {
  if (stateText === undefined || serverStartedAt === undefined) return undefined;
  let state: { role?: unknown; at?: unknown; wal_receiver?: { latestEndLsn?: unknown; receivedTimeline?: unknown } };
  try {
    state = JSON.parse(stateText) as typeof state;
  } catch {
    return undefined;
  }
  const at = typeof state.at === 'string' ? Date.parse(state.at) : Number.NaN;
  const w = state.wal_receiver;
  if (state.role !== 'standby' || !(at >= serverStartedAt * 1000) || typeof w !== 'object' || w === null) return undefined;
  if (typeof w.latestEndLsn !== 'string' || typeof w.receivedTimeline !== 'number') return undefined;
  try {
    return { timeline: w.receivedTimeline, lsn: parseLsn(w.latestEndLsn), source: `heard by the WAL receiver, recorded ${state.at as string}` };
  } catch {
    return undefined;
  }
};

/** The furthest of the sightings (newer timeline, then more WAL). */
export const furthestSighting = (...s: (PrimarySighting | undefined)[]): PrimarySighting | undefined =>
  s.reduce<PrimarySighting | undefined>((best, x) => (x === undefined ? best : best === undefined || isAhead(x, best) ? x : best), undefined);
