// The typed queries the agent runs on a PostgreSQL session (role, LSNs, timeline, replication
// views, slots, ALTER SYSTEM), over any connection that can run a query: node-postgres
// (client.ts) or the lean connection the monitor probes with (lean-connection.ts).
import { quoteValue } from '../../ocf/quote.ts';
import { parseLsn, type Lsn } from '../lsn.ts';
import type { ReplicationRow, SlotRow, WalReceiverRow } from '../replication-views.ts';
import { quoteGucValue } from '../auto-conf.ts';

/** An open session with typed helpers; close() it when done. */
export interface PgSession {
  /** Rows of a query (parameters as $1, $2...). */
  query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  isInRecovery(): Promise<boolean>;
  /** Role, timeline and WAL positions in one round trip (what every monitor asks first). */
  standing(): Promise<Standing>;
  /** pg_current_wal_lsn() (primary only). */
  currentLsn(): Promise<Lsn>;
  /** pg_last_wal_receive_lsn(); undefined on a primary or before anything was streamed. */
  receiveLsn(): Promise<Lsn | undefined>;
  /** pg_last_wal_replay_lsn(); undefined on a primary. */
  replayLsn(): Promise<Lsn | undefined>;
  /** Primary: timeline of the WAL being written; standby: received timeline, else the last checkpoint's. */
  timeline(): Promise<number>;
  replicationRows(): Promise<ReplicationRow[]>;
  walReceiver(): Promise<WalReceiverRow | undefined>;
  slots(): Promise<SlotRow[]>;
  createPhysicalSlot(name: string): Promise<void>;
  dropSlot(name: string): Promise<void>;
  /** SHOW name. */
  show(name: string): Promise<string>;
  /** ALTER SYSTEM SET name = 'value', or ALTER SYSTEM RESET name for undefined. */
  alterSystem(name: string, value: string | undefined): Promise<void>;
  /** pg_reload_conf(). */
  reloadConf(): Promise<void>;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** Where the instance stands, from one query. */
export interface Standing {
  inRecovery: boolean;
  /** As timeline(). */
  timeline: number;
  /** pg_current_wal_lsn() on a primary; undefined on a standby. */
  currentLsn: Lsn | undefined;
  receiveLsn: Lsn | undefined;
  replayLsn: Lsn | undefined;
  /** Standby only: what pg_control and the WAL receiver tell of the replay timeline (see ../replay-timeline.ts). */
  recovery: RecoveryControl | undefined;
}

/** A standby's received_tli (when a WAL receiver runs) and the control file's replay bounds. */
export interface RecoveryControl {
  receiverTimeline: number | undefined;
  checkpoint: { timeline: number; lsn: Lsn };
  minRecovery: { timeline: number; lsn: Lsn };
  segmentSize: bigint;
}

/** Runs one statement (parameters as $1, $2...) and returns its rows. */
export type QueryFn = <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<T[]>;

const GUC_NAME = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/;
const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

const lsnOrUndefined = (v: unknown): Lsn | undefined => (typeof v === 'string' && v !== '' ? parseLsn(v) : undefined);
const numOrUndefined = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const strOrUndefined = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** The typed helpers over a connection's query function; `close` ends the connection. */
export const sessionOver = (query: QueryFn, close: () => Promise<void>): PgSession => {
  const one = async (sql: string): Promise<Record<string, unknown>> => (await query(sql))[0] ?? {};
  return {
    query,
    isInRecovery: async () => (await one('SELECT pg_is_in_recovery() AS r'))['r'] === true,
    standing: async () => {
      const r = await one(STANDING_SQL);
      return {
        inRecovery: r['recovery'] === true,
        timeline: Number(r['tli']),
        currentLsn: lsnOrUndefined(r['current']),
        receiveLsn: lsnOrUndefined(r['received']),
        replayLsn: lsnOrUndefined(r['replayed']),
        recovery: r['recovery'] === true ? toRecoveryControl(r) : undefined,
      };
    },
    currentLsn: async () => parseLsn(String((await one('SELECT pg_current_wal_lsn()::text AS l'))['l'])),
    receiveLsn: async () => lsnOrUndefined((await one('SELECT pg_last_wal_receive_lsn()::text AS l'))['l']),
    replayLsn: async () => lsnOrUndefined((await one('SELECT pg_last_wal_replay_lsn()::text AS l'))['l']),
    timeline: async () => Number((await one(TIMELINE_SQL))['tli']),
    replicationRows: async () => (await query(REPLICATION_SQL)).map(toReplicationRow),
    walReceiver: async () => {
      const rows = await query(WAL_RECEIVER_SQL);
      return rows[0] === undefined ? undefined : toWalReceiverRow(rows[0]);
    },
    slots: async () => (await query(SLOTS_SQL)).map(toSlotRow),
    createPhysicalSlot: async (name) => {
      if (!SLOT_NAME.test(name)) throw new TypeError(`Cannot create slot ${quoteValue(name)}: use 1-63 lower case letters, digits, _`);
      await query('SELECT pg_create_physical_replication_slot($1)', [name]);
    },
    dropSlot: async (name) => {
      await query('SELECT pg_drop_replication_slot($1)', [name]);
    },
    show: async (name) => {
      if (!GUC_NAME.test(name)) throw new TypeError(`Cannot SHOW ${quoteValue(name)}: not a setting name`);
      return String((await query('SELECT current_setting($1) AS v', [name]))[0]?.['v']);
    },
    alterSystem: async (name, value) => {
      if (!GUC_NAME.test(name)) throw new TypeError(`Cannot ALTER SYSTEM ${quoteValue(name)}: not a setting name`);
      // Utility statements take no parameters: the value is quoted as a literal.
      await query(value === undefined ? `ALTER SYSTEM RESET ${name}` : `ALTER SYSTEM SET ${name} = ${quoteGucValue(value)}`);
    },
    reloadConf: async () => {
      await query('SELECT pg_reload_conf()');
    },
    checkpoint: async () => {
      await query('CHECKPOINT');
    },
    close,
  };
};


// On a primary the first 8 hex digits of the current WAL file name are the timeline being written
// (pg_control_checkpoint() still shows the old one until the first checkpoint after a promotion).
const TIMELINE_EXPR = `CASE WHEN pg_is_in_recovery()
  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END`;

const TIMELINE_SQL = `SELECT ${TIMELINE_EXPR} AS tli`;

const STANDING_SQL = `SELECT pg_is_in_recovery() AS recovery, ${TIMELINE_EXPR} AS tli,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current,
  pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed,
  (SELECT received_tli FROM pg_stat_wal_receiver) AS receiver_tli,
  c.timeline_id AS ckpt_tli, c.redo_lsn::text AS ckpt_redo,
  r.min_recovery_end_timeline AS minrec_tli, r.min_recovery_end_lsn::text AS minrec_lsn,
  i.bytes_per_wal_segment AS seg_size
  FROM pg_control_checkpoint() c, pg_control_recovery() r, pg_control_init() i`;

// Read from the control file on every role (one row each), used on a standby.
const toRecoveryControl = (r: Record<string, unknown>): RecoveryControl => {
  const tli = numOrUndefined(r['receiver_tli']);
  return {
    receiverTimeline: tli !== undefined && tli > 0 ? tli : undefined,
    checkpoint: { timeline: Number(r['ckpt_tli'] ?? 0), lsn: lsnOrUndefined(r['ckpt_redo']) ?? 0n },
    minRecovery: { timeline: Number(r['minrec_tli'] ?? 0), lsn: lsnOrUndefined(r['minrec_lsn']) ?? 0n },
    segmentSize: BigInt(Number(r['seg_size'] ?? 0) || 16 * 1024 * 1024),
  };
};

const REPLICATION_SQL = `SELECT application_name, state, sync_state, client_addr::text AS client_addr,
  sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text,
  extract(epoch FROM write_lag)::float8 AS write_lag, extract(epoch FROM flush_lag)::float8 AS flush_lag,
  extract(epoch FROM replay_lag)::float8 AS replay_lag
  FROM pg_stat_replication ORDER BY application_name`;

const WAL_RECEIVER_SQL = `SELECT status, received_tli, written_lsn::text, flushed_lsn::text, latest_end_lsn::text,
  slot_name, sender_host, sender_port FROM pg_stat_wal_receiver`;

const SLOTS_SQL = `SELECT slot_name, slot_type, active, restart_lsn::text, wal_status FROM pg_replication_slots ORDER BY slot_name`;

const toReplicationRow = (r: Record<string, unknown>): ReplicationRow => ({
  applicationName: String(r['application_name'] ?? ''),
  state: String(r['state'] ?? ''),
  syncState: String(r['sync_state'] ?? ''),
  clientAddr: strOrUndefined(r['client_addr']),
  sentLsn: lsnOrUndefined(r['sent_lsn']),
  writeLsn: lsnOrUndefined(r['write_lsn']),
  flushLsn: lsnOrUndefined(r['flush_lsn']),
  replayLsn: lsnOrUndefined(r['replay_lsn']),
  writeLagS: numOrUndefined(r['write_lag']),
  flushLagS: numOrUndefined(r['flush_lag']),
  replayLagS: numOrUndefined(r['replay_lag']),
});

const toWalReceiverRow = (r: Record<string, unknown>): WalReceiverRow => ({
  status: String(r['status'] ?? ''),
  receivedTimeline: numOrUndefined(r['received_tli']),
  writtenLsn: lsnOrUndefined(r['written_lsn']),
  flushedLsn: lsnOrUndefined(r['flushed_lsn']),
  latestEndLsn: lsnOrUndefined(r['latest_end_lsn']),
  slotName: strOrUndefined(r['slot_name']),
  senderHost: strOrUndefined(r['sender_host']),
  senderPort: numOrUndefined(r['sender_port']),
});

const toSlotRow = (r: Record<string, unknown>): SlotRow => ({
  slotName: String(r['slot_name']),
  slotType: String(r['slot_type']),
  active: r['active'] === true,
  restartLsn: lsnOrUndefined(r['restart_lsn']),
  walStatus: strOrUndefined(r['wal_status']),
});
