// Promotion scores the primary's monitor publishes under Pacemaker (PAF's ranking), never positive
// for a standby that must not be promoted automatically.
import type { ReplicationRow } from '../pg/replication-views.ts';
import { synchronousStandbys } from '../pg/sync-standbys.ts';

/** What the ranking needs to know. */
export interface ScoreInput {
  self: string;
  /** Every other node the cluster knows (peers), so absent ones get a negative score. */
  nodes: readonly string[];
  rows: readonly ReplicationRow[];
  currentLsn: bigint;
  syncStandbyNames: string;
  /** Synchronous replication required for automatic promotion (sync_mode fallback/strict). */
  requireSync: boolean;
  /** Largest acceptable lag in bytes; 0 disables the check. */
  maxlag: bigint;
  /** Peers on a newer timeline descending from ours (stalePrimary): this primary is the stale side. */
  newerPeers?: readonly string[];
}

/** Score of a node that may not be promoted: absent, not streaming, not synchronous, too far behind. */
export const NOT_PROMOTABLE = -1000;

/**
 * Primary 1001; streaming standbys that may be promoted ranked by flushed WAL: 1000, 990, ...;
 * everyone else -1000. A stale primary (newerPeers) gives 1001 to the newer peers and -1000 to
 * itself and everyone else, so Pacemaker demotes it and promotes the newer side.
 * Returns node -> score for the primary and every known node.
 */
export const promotionScores = (s: ScoreInput): Map<string, number> => {
  if (s.newerPeers && s.newerPeers.length > 0) {
    const newer = new Set(s.newerPeers);
    return new Map([s.self, ...s.nodes].map((n) => [n, newer.has(n) ? 1001 : NOT_PROMOTABLE]));
  }
  const sync = new Set(synchronousStandbys(s.rows, s.syncStandbyNames));
  const eligible = s.rows
    .filter((r) => r.state === 'streaming' && r.flushLsn !== undefined)
    .filter((r) => !s.requireSync || sync.has(r.applicationName))
    .filter((r) => s.maxlag === 0n || s.currentLsn - (r.flushLsn ?? 0n) <= s.maxlag)
    .sort((a, b) => (a.flushLsn! > b.flushLsn! ? -1 : a.flushLsn! < b.flushLsn! ? 1 : a.applicationName.localeCompare(b.applicationName)));
  const scores = new Map<string, number>([[s.self, 1001]]);
  eligible.forEach((r, i) => scores.set(r.applicationName, Math.max(1, 1000 - 10 * i)));
  for (const node of s.nodes) if (!scores.has(node)) scores.set(node, NOT_PROMOTABLE);
  return scores;
};

/** Node -> '1' when it is a synchronous standby now, '0' otherwise (what syncKnowledge reads back). */
export const syncFlags = (s: Pick<ScoreInput, 'nodes' | 'rows' | 'syncStandbyNames' | 'self'>): Map<string, string> => {
  const sync = new Set(synchronousStandbys(s.rows, s.syncStandbyNames));
  return new Map(s.nodes.filter((n) => n !== s.self).map((n) => [n, sync.has(n) ? '1' : '0']));
};
