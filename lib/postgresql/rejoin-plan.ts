// What a stopped instance must do before it can stream from the current primary: follow as it is,
// pg_rewind, re-clone (the old directory kept aside) or refuse, each with the sentence that explains it.
import { rewindBlocker, type ClusterState, type ControlData } from '../pg/controldata.ts';
import { formatLsn, type Lsn } from '../pg/lsn.ts';
import type { RewindOutcome } from '../pg/rewind-output.ts';
import { findDivergence, type OurWal, type TheirWal } from '../pg/timeline-history.ts';
import { rejoinDirection } from './rejoin-direction.ts';

/** Where the WAL only we have begins (a position on one of our timelines). */
export interface ForkPoint {
  timeline: number;
  lsn: Lsn;
}

/**
 * The step a rejoin takes, with the sentence that explains it; `discard` is set when WAL of ours is
 * given up. keep: our data is not to be given up to this primary (we are on the newer timeline, or
 * cannot tell): run as a standby as we are, which cannot follow it but stays visible to every
 * peer check as the newer timeline.
 */
export type RejoinStep =
  | { step: 'keep'; reason: string }
  | { step: 'follow'; reason: string }
  | { step: 'rewind'; reason: string; discard: ForkPoint | undefined }
  | { step: 'rebuild'; reason: string; discard?: ForkPoint | undefined }
  | { step: 'refuse'; reason: string };

/** What the plan needs to know besides the two sides. */
export interface RejoinOptions {
  rewind: boolean;
  rebuild: boolean;
  /** Why pg_rewind cannot run here (no wal_log_hints nor checksums), if it cannot. */
  rewindBlocker: string | undefined;
}

/** Our side: the end of our WAL and the control file's system identifier. */
export interface OurSide extends OurWal {
  systemId: string;
  /** This node's name, for reasons (default 'this node'). */
  name?: string | undefined;
  /** Our WAL ends as a primary's (the control file says shut down or in production, not in recovery). */
  wasPrimary?: boolean | undefined;
}

/** The running primary, from IDENTIFY_SYSTEM and TIMELINE_HISTORY over a replication connection. */
export interface PrimarySide extends TheirWal {
  name: string;
  systemId: string;
  /** Its flushed WAL position when asked. */
  lsn: Lsn;
}

// Our WAL holds what the primary does not: rewind when allowed and possible, else re-clone when allowed, else refuse.
const diverged = (reason: string, discard: ForkPoint | undefined, rewindable: boolean, o: RejoinOptions): RejoinStep => {
  const why = !o.rewind
    ? 'rewind is off'
    : !rewindable
      ? 'pg_rewind cannot bring back a primary that lost WAL on its own timeline'
      : o.rewindBlocker !== undefined
        ? `pg_rewind cannot run: ${o.rewindBlocker}`
        : undefined;
  if (why === undefined) return { step: 'rewind', reason, discard };
  if (o.rebuild) return { step: 'rebuild', reason: `${reason}; ${why}`, discard };
  return {
    step: 'refuse',
    reason: `${reason}; ${why} and rebuild is off: rewind or re-clone this node by hand, or set rebuild=true`,
  };
};

/**
 * Decides the rejoin. Another database cluster is never rewound nor cloned over ours (a wrong
 * primary_host or peers entry is likelier than a wish to replace this one). Nor is a newer
 * timeline, or one the primary's history does not contain (rejoin-direction.ts). Diverged: our WAL
 * went past the point where the primary's timeline forked from ours. On the same timeline, a
 * primary whose flushed WAL ends before our last record lost WAL we have (pg_rewind sees nothing to do).
 */
export const planRejoin = (ours: OurSide, primary: PrimarySide, o: RejoinOptions): RejoinStep => {
  if (ours.systemId !== primary.systemId) {
    return {
      step: 'refuse',
      reason: `${primary.name} runs another database cluster (system identifier ${primary.systemId}, ours is ${ours.systemId}): check primary_host and peers; to replace this node's data, move the data directory aside by hand and start it empty`,
    };
  }
  const direction = rejoinDirection(
    { name: ours.name ?? 'this node', systemId: ours.systemId, timeline: ours.timeline, history: ours.history, lsn: ours.lastRecordLsn, wasPrimary: ours.wasPrimary === true },
    { name: primary.name, systemId: primary.systemId, timeline: primary.timeline, history: primary.history, lsn: primary.lsn, wasPrimary: true },
  );
  if (!direction.rejoin) return { step: 'keep', reason: direction.reason };
  const d = findDivergence(ours, primary);
  if (d.diverged) {
    const fork = d.forkLsn !== undefined && d.forkTimeline !== undefined ? { timeline: d.forkTimeline, lsn: d.forkLsn } : undefined;
    return diverged(d.reason, fork, true, o);
  }
  if (ours.timeline === primary.timeline && ours.lastRecordLsn >= primary.lsn) {
    const reason = `on timeline ${ours.timeline} our last record at ${formatLsn(ours.lastRecordLsn)} is past ${primary.name}'s flushed WAL at ${formatLsn(primary.lsn)}`;
    return diverged(reason, { timeline: ours.timeline, lsn: primary.lsn }, false, o);
  }
  return { step: 'follow', reason: d.reason };
};

/** Whether a control file state means the WAL ends as a primary's (running, crashed or shut down as one). */
export const endsAsPrimary = (state: ClusterState): boolean => state === 'shut down' || state === 'in production' || state === 'shutting down';

/**
 * The step to take when pg_rewind failed. `touched`: it had begun changing the data directory (a
 * half-rewound directory may start and silently mix both histories, so it is never started as is).
 */
export const afterFailedRewind = (rebuild: boolean, failure: string, touched: boolean): RejoinStep => {
  if (rebuild) return { step: 'rebuild', reason: `pg_rewind failed (${failure})` };
  if (!touched) {
    return { step: 'refuse', reason: `pg_rewind failed (${failure}) and rebuild is off; the data directory is unchanged: fix the cause and start again, or set rebuild=true` };
  }
  return {
    step: 'refuse',
    reason: `pg_rewind failed (${failure}) after it began changing the data directory, which must not be started as it is; rebuild is off: re-clone this node (move the data directory aside and start it empty), or set rebuild=true`,
  };
};

/**
 * Why a pg_rewind run (or dry run) did not do its job, or undefined when it did. "No rewind required"
 * after we found a divergence is a failure: the primary's control file still shows the timeline
 * before its promotion (no checkpoint since), so pg_rewind compared the wrong histories.
 */
export const rewindShortfall = (run: { failed: boolean; description: string; outcome: RewindOutcome }, primary: string): string | undefined => {
  if (run.failed) return run.outcome.errors.join('; ') || run.description;
  if (run.outcome.noRewindRequired) {
    return `pg_rewind saw no divergence from ${primary}, whose control file may still show its timeline before the promotion: run CHECKPOINT there (GRANT pg_checkpoint to the replication user lets the agent do it) and start again`;
  }
  return undefined;
};

/** Whether pg_rewind's messages show it got as far as changing the target (it prints the copy plan first). */
export const rewindTouchedTarget = (output: string): boolean => /need to copy \d+ MB|creating backup label and updating control file|Done!/.test(output);

/** Name for the old data directory moved aside by a rebuild (never deleted). */
export const asideName = (pgdata: string, at: Date): string =>
  `${pgdata.replace(/\/+$/, '')}.pgbeat-old-${stamp(at)}`;

/** State directory file name of the discarded-transactions report. */
export const discardReportName = (instance: string, at: Date): string => `pgbeat-postgresql-${instance}-discarded-${stamp(at)}.txt`;

/** State directory file name of the marker kept while pg_rewind changes the data directory. */
export const rewindMarkerName = (instance: string): string => `pgbeat-postgresql-${instance}-rewind-unfinished`;

const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

/** The outcome of the up-front rewind check (validate-all). */
export interface RewindReadiness {
  /** error: the configuration cannot work here; warn: it works, but a diverged node is re-cloned. */
  severity: 'ok' | 'warn' | 'error';
  reason: string | undefined;
}

/**
 * validate-all's check of the rewind prerequisites against pg_controldata: with rewind=true, pg_rewind
 * needs wal_log_hints or data checksums (and full_page_writes). Without them and without rebuild a
 * diverged node could never rejoin, which is an error now rather than at the next failover.
 */
export const checkRewindReadiness = (p: { rewind: boolean; rebuild: boolean }, cd: ControlData): RewindReadiness => {
  const blocker = p.rewind ? rewindBlocker(cd) : undefined;
  if (blocker === undefined) return { severity: 'ok', reason: undefined };
  if (!p.rebuild) return { severity: 'error', reason: `rewind=true but ${blocker}; or set rewind=false` };
  return { severity: 'warn', reason: `rewind=true but ${blocker}: a diverged node will be re-cloned (rebuild=true)` };
};
