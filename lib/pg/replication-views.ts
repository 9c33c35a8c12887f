// Rows of the replication views (pg_stat_replication, pg_stat_wal_receiver, pg_replication_slots)
// as plain values, and the lag figures the monitor publishes from them.
import { formatBytes, formatLsn, maxLsn, type Lsn } from './lsn.ts';

/** One row of pg_stat_replication (a WAL sender on the primary). */
export interface ReplicationRow {
  applicationName: string;
  /** startup, catchup, streaming, backup, stopping. */
  state: string;
  /** async, potential, sync, quorum. */
  syncState: string;
  clientAddr: string | undefined;
  sentLsn: Lsn | undefined;
  writeLsn: Lsn | undefined;
  flushLsn: Lsn | undefined;
  replayLsn: Lsn | undefined;
  /** Seconds, as reported by the view (undefined when idle). */
  writeLagS: number | undefined;
  flushLagS: number | undefined;
  replayLagS: number | undefined;
}

/** The row of pg_stat_wal_receiver on a standby (absent when no WAL receiver runs). */
export interface WalReceiverRow {
  /** streaming, starting, waiting, restarting, stopping. */
  status: string;
  receivedTimeline: number | undefined;
  writtenLsn: Lsn | undefined;
  flushedLsn: Lsn | undefined;
  latestEndLsn: Lsn | undefined;
  slotName: string | undefined;
  senderHost: string | undefined;
  senderPort: number | undefined;
}

/** One row of pg_replication_slots. */
export interface SlotRow {
  slotName: string;
  slotType: string;
  active: boolean;
  restartLsn: Lsn | undefined;
  /** reserved, extended, unreserved, lost (PG 13+). */
  walStatus: string | undefined;
}

/** A standby's lag as seen from the primary. */
export interface StandbyLag {
  name: string;
  state: string;
  syncState: string;
  /** Bytes between the primary's current position and what the standby flushed / replayed. */
  flushLagBytes: bigint | undefined;
  replayLagBytes: bigint | undefined;
  /** Seconds (pg_stat_replication's flush_lag, replay_lag); 0 for a standby caught up and idle. */
  flushLagS: number | undefined;
  replayLagS: number | undefined;
}

// PostgreSQL clears the lag times once a standby has caught up and no WAL is written; with no bytes
// outstanding that is a lag of 0 s, not an unknown one.
const seconds = (s: number | undefined, bytes: bigint | undefined): number | undefined => s ?? (bytes === 0n ? 0 : undefined);

// pg_current_wal_lsn() and pg_stat_replication are read at different moments: a standby may have
// replayed WAL written after the current position was read. The row's sent position is one the primary
// had reached, so the reference is the further of the two, and a lag is never below 0.
const behind = (reference: Lsn, lsn: Lsn | undefined): bigint | undefined => {
  if (lsn === undefined) return undefined;
  return reference > lsn ? reference - lsn : 0n;
};

/** Lag per standby from pg_stat_replication and the primary's pg_current_wal_lsn() (never negative). */
export const standbyLags = (rows: readonly ReplicationRow[], currentLsn: Lsn): StandbyLag[] =>
  rows.map((r) => {
    const reference = maxLsn(currentLsn, r.sentLsn) ?? currentLsn;
    const flushLagBytes = behind(reference, r.flushLsn);
    const replayLagBytes = behind(reference, r.replayLsn);
    return {
      name: r.applicationName,
      state: r.state,
      syncState: r.syncState,
      flushLagBytes,
      replayLagBytes,
      flushLagS: seconds(r.flushLagS, flushLagBytes),
      replayLagS: seconds(r.replayLagS, replayLagBytes),
    };
  });

/** WAL a slot holds back on the primary, in bytes (undefined when the slot reserves none). */
export const slotRetainedBytes = (slot: SlotRow, currentLsn: Lsn): bigint | undefined => behind(currentLsn, slot.restartLsn);

/** One line per standby for a state file: `name state sync_state flush_lag=... replay_lag=...`. */
export const renderStandbyLags = (lags: readonly StandbyLag[]): string =>
  lags
    .map((l) =>
      [
        l.name || '(no application_name)',
        `state=${l.state}`,
        `sync_state=${l.syncState}`,
        `flush_lag=${l.flushLagBytes === undefined ? '-' : formatBytes(l.flushLagBytes)}`,
        `replay_lag=${l.replayLagBytes === undefined ? '-' : formatBytes(l.replayLagBytes)}`,
        `replay_lag_s=${l.replayLagS === undefined ? '-' : l.replayLagS.toFixed(3)}`,
      ].join(' '),
    )
    .join('\n');

/** One line per slot: `name active=t restart_lsn=0/3000000 retained=16.0 MiB wal_status=reserved`. */
export const renderSlots = (slots: readonly SlotRow[], currentLsn: Lsn): string =>
  slots
    .map((s) => {
      const kept = slotRetainedBytes(s, currentLsn);
      return `${s.slotName} type=${s.slotType} active=${s.active ? 't' : 'f'} restart_lsn=${s.restartLsn === undefined ? '-' : formatLsn(s.restartLsn)} retained=${kept === undefined ? '-' : formatBytes(kept)} wal_status=${s.walStatus ?? '-'}`;
    })
    .join('\n');
