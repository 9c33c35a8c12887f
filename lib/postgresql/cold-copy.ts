// A cold copy (a base backup db_sync or pg_basebackup left in the data directory, never started): how a
// primitive's start brings it up. Started directly it would open on the source's timeline, so a source
// that comes back with commits the copy never had could not be told from an older copy of it; the agent
// instead recovers the copy to consistency from its own WAL as a standby and promotes it onto a new
// timeline, after the same peer check as any start as primary.
import { parseBackupLabel } from '../pg/backup-label.ts';
import type { ClusterState } from '../pg/controldata.ts';
import { formatLsn, walFileName } from '../pg/lsn.ts';
import type { Position } from '../pg/promotion.ts';

/** What the stopped data directory holds, as far as the decision needs it. */
export interface CopySnapshot {
  /** backup_label's text; undefined when there is no such file. */
  backupLabel: string | undefined;
  /** The control file's state; undefined when it could not be read. */
  controlState: ClusterState | undefined;
  /** Bytes per WAL segment (control file). */
  walSegmentSize: number;
  /** Names of the files in pg_wal. */
  walFiles: readonly string[];
}

/** What start does with the data directory. */
export type CopyStart =
  | { kind: 'ordinary' }
  | { kind: 'recover-and-promote'; self: Position; reason: string }
  | { kind: 'refuse'; reason: string };

// States pg_control can be copied in from a running source (primary or standby).
const COPIED_STATES: readonly ClusterState[] = ['in production', 'in archive recovery', 'in crash recovery', 'shutting down'];

/** Decides how a stopped data directory starts as primary: as it is, from its backup label, or not at all. */
export const coldCopyStart = (s: CopySnapshot): CopyStart => {
  if (s.backupLabel === undefined) return { kind: 'ordinary' };
  let label;
  try {
    label = parseBackupLabel(s.backupLabel);
  } catch (e) {
    return { kind: 'refuse', reason: `it has a backup_label that cannot be read (${(e as Error).message}): not started` };
  }
  const at = `backup from ${formatLsn(label.startLsn)} on timeline ${label.timeline}`;
  if (s.controlState === undefined || !COPIED_STATES.includes(s.controlState)) {
    return {
      kind: 'refuse',
      reason: `it has a backup_label (${at}) but its control file says '${s.controlState ?? 'unreadable'}', which no copy of a running server has: the label does not belong to these files; not started`,
    };
  }
  const first = walFileName(label.timeline, label.startLsn, BigInt(s.walSegmentSize));
  if (!s.walFiles.includes(first)) {
    return { kind: 'refuse', reason: `it is a copy (${at}) without the WAL segment ${first} its recovery starts from: the copy is incomplete; make a new one (db_sync run)` };
  }
  return {
    kind: 'recover-and-promote',
    self: { timeline: label.timeline, lsn: label.startLsn },
    reason: `it is a copy not started yet (${at}): it recovers from its own WAL to consistency as a standby, then is promoted onto a new timeline`,
  };
};
