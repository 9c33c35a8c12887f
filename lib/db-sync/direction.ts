// Whether a sync may run: only from a primary to a copy that no postmaster runs on, and never over a
// copy that is newer than the source or belongs to another cluster. Pure: a snapshot in, a verdict out.
import { formatLsn, type Lsn } from '../pg/lsn.ts';
import type { HistoryEntry } from '../pg/timeline-history.ts';

/** What the source server says about itself (one session, taken before the copy). */
export interface SourceFacts {
  /** host:port, for reasons. */
  name: string;
  systemId: string;
  inRecovery: boolean;
  /** The timeline it writes. */
  timeline: number;
  /** Its latest checkpoint (pg_control_checkpoint()). */
  checkpointLsn: Lsn;
  /** pg_postmaster_start_time() in whole seconds since the epoch. */
  postmasterStart: number | undefined;
  /** Its timeline's history (empty on timeline 1; undefined when it could not be read). */
  history: readonly HistoryEntry[] | undefined;
  /** wal_level: 'minimal' cannot make an online backup. */
  walLevel: string;
}

/** Identity of a data directory, read from its control file. */
export interface CopyIdentity {
  systemId: string;
  timeline: number;
  checkpointLsn: Lsn;
}

/** What this node's target directory holds. */
export type TargetFacts =
  | { kind: 'absent' }
  | { kind: 'empty' }
  /** Files but no readable control file: not ours to overwrite. */
  | { kind: 'foreign'; detail: string }
  /** postmasterPid/postmasterStart: of a live postmaster on it (start time from postmaster.pid). */
  | {
    kind: 'copy'; identity: CopyIdentity; postmasterPid: number | undefined; postmasterStart?: number | undefined;
    /**
     * No postmaster runs, yet the control file says a primary was running ('in production', 'in crash
     * recovery', 'shutting down') and there is no backup_label (so not a copy never started): a primary
     * that crashed or was killed, whose WAL may go on past its last checkpoint.
     */
    crashedPrimary?: boolean | undefined;
  };

/** The verdict: copy (with why), or refuse with the reason naming both sides. */
export type SyncVerdict =
  | { go: true; reason: string }
  | { go: false; kind: 'target-is-source' | 'source-not-primary' | 'source-not-capable' | 'target-running' | 'target-foreign' | 'other-cluster' | 'target-newer' | 'target-diverged'; reason: string };

const describe = (who: string, id: CopyIdentity): string =>
  `${who} (system ${id.systemId}, timeline ${id.timeline}, checkpoint ${formatLsn(id.checkpointLsn)})`;

/**
 * Decides whether `source` may be copied over `target` (at `targetDir`). A copy of the same cluster is
 * overwritten only when it is on an older timeline, or on the same one with a checkpoint not after the source's.
 */
export const decideSync = (source: SourceFacts, target: TargetFacts, targetDir: string): SyncVerdict => {
  const src = describe(`source ${source.name}`, source);
  if (source.inRecovery) {
    return { go: false, kind: 'source-not-primary', reason: `Refusing to sync: source ${source.name} is in recovery (a standby), copies are taken from the primary only` };
  }
  if (source.walLevel === 'minimal') {
    return { go: false, kind: 'source-not-capable', reason: `Refusing to sync: source ${source.name} has wal_level=minimal and cannot make an online backup (set wal_level=replica and restart it)` };
  }
  switch (target.kind) {
    case 'absent':
    case 'empty':
      return { go: true, reason: `${targetDir} holds no copy yet: full copy from ${src}` };
    case 'foreign':
      return { go: false, kind: 'target-foreign', reason: `Refusing to sync into ${targetDir}: ${target.detail}; it is not a copy db_sync may replace (source ${source.name})` };
    case 'copy': {
      const tgt = describe(`target ${targetDir}`, target.identity);
      if (target.postmasterPid !== undefined && target.identity.systemId === source.systemId && !source.inRecovery
        && target.postmasterStart !== undefined && target.postmasterStart === source.postmasterStart) {
        return { go: false, kind: 'target-is-source', reason: `Nothing to copy: ${targetDir} is the running source ${source.name} itself (postmaster PID ${target.postmasterPid}); this node holds the primary` };
      }
      if (target.postmasterPid !== undefined) {
        return { go: false, kind: 'target-running', reason: `Refusing to sync: a postmaster (PID ${target.postmasterPid}) runs on ${tgt}; it is live, not a copy (source ${source.name})` };
      }
      if (target.identity.systemId !== source.systemId) {
        return { go: false, kind: 'other-cluster', reason: `Refusing to sync: ${tgt} belongs to another cluster than ${src}` };
      }
      if (target.identity.timeline > source.timeline) {
        return { go: false, kind: 'target-newer', reason: `Refusing to sync: ${tgt} is on a newer timeline than ${src} (was it promoted?)` };
      }
      if (target.identity.timeline === source.timeline && target.identity.checkpointLsn > source.checkpointLsn) {
        return { go: false, kind: 'target-newer', reason: `Refusing to sync: ${tgt} is ahead of ${src} (it holds WAL the source never wrote)` };
      }
      if (target.crashedPrimary) {
        return {
          go: false, kind: 'target-diverged',
          reason: `Refusing to sync: ${tgt} is a primary that stopped without a shutdown checkpoint (crashed or killed): its WAL may hold transactions past that checkpoint, so nothing proves it an older copy of ${src}; start it once so that crash recovery completes, or move it away by hand`,
        };
      }
      if (target.identity.timeline < source.timeline) {
        // An older timeline is older only up to where the source's lineage left it: a copy that went on
        // writing past that point (a former primary) holds transactions the source never saw.
        if (source.history === undefined) {
          return { go: false, kind: 'target-diverged', reason: `Refusing to sync: cannot read the timeline history of ${src}, so nothing proves ${tgt} is an older copy` };
        }
        const fork = source.history.find((h) => h.parentTimeline === target.identity.timeline);
        if (fork === undefined) {
          return { go: false, kind: 'target-diverged', reason: `Refusing to sync: ${tgt} is on a timeline that is not in the history of ${src}` };
        }
        if (target.identity.checkpointLsn >= fork.switchLsn) {
          return { go: false, kind: 'target-diverged', reason: `Refusing to sync: ${tgt} went on past ${formatLsn(fork.switchLsn)}, where ${src} left timeline ${fork.parentTimeline}: it holds transactions the source never saw` };
        }
      }
      return { go: true, reason: `${tgt} is an older copy of ${src}: replacing it` };
    }
  }
};

/**
 * Whether `old` is proven an older copy of the same cluster as `fresh` (so the old directory may be
 * deleted once `fresh` is in place): same system, and not on a later timeline or checkpoint.
 */
export const isOlderCopy = (old: CopyIdentity | undefined, fresh: CopyIdentity): boolean => {
  if (old === undefined || old.systemId !== fresh.systemId) return false;
  if (old.timeline !== fresh.timeline) return old.timeline < fresh.timeline;
  return old.checkpointLsn <= fresh.checkpointLsn;
};
