// A `pg` client session to one instance (unix socket directory or host+port), with connect and statement
// timeouts and small typed queries for the agent: role, LSNs, timeline, replication views, ALTER SYSTEM.
import type { Client, ClientConfig } from 'pg';
import { parseLsn, type Lsn } from '../lsn.ts';
import type { ReplicationRow, SlotRow, WalReceiverRow } from '../replication-views.ts';
import { quoteGucValue } from '../auto-conf.ts';

/** Where and as whom to connect. */
export interface PgTarget {
  /** Unix socket directory (starts with '/') or host name/address. */
  host: string;
  port: number;
  user: string;
  database?: string | undefined;
  password?: string | undefined;
  applicationName?: string | undefined;
  connectTimeoutMs: number;
  /** statement_timeout for every query of the session. */
  statementTimeoutMs: number;
}

/** An open session with typed helpers; close() it when done. */
export interface PgSession {
  /** Rows of a query (parameters as $1, $2...). */
  query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  isInRecovery(): Promise<boolean>;
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

const GUC_NAME = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/;
const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

const lsnOrUndefined = (v: unknown): Lsn | undefined => (typeof v === 'string' && v !== '' ? parseLsn(v) : undefined);
const numOrUndefined = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const strOrUndefined = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** Opens a `pg` client; throws with the target named when the connection fails. */
export const openClient = async (t: PgTarget, extra: Partial<ClientConfig> = {}): Promise<Client> => {
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    host: t.host,
    port: t.port,
    user: t.user,
    database: t.database ?? 'postgres',
    password: t.password,
    application_name: t.applicationName ?? 'pgbeat',
    connectionTimeoutMillis: t.connectTimeoutMs,
    statement_timeout: t.statementTimeoutMs,
    query_timeout: t.statementTimeoutMs + 1_000,
    ...extra,
  });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query instead
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new Error(`Cannot connect to PostgreSQL at ${t.host}:${t.port} as ${t.user}: ${(e as Error).message}`);
  }
  return client;
};

/** Opens a session to one instance. */
export const connectPg = async (t: PgTarget): Promise<PgSession> => {
  const client = await openClient(t);
  const query = async <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> =>
    (await client.query<T>(sql, params as unknown[] | undefined)).rows;
  const one = async (sql: string): Promise<Record<string, unknown>> => (await query(sql))[0] ?? {};
  return {
    query,
    isInRecovery: async () => (await one('SELECT pg_is_in_recovery() AS r'))['r'] === true,
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
      if (!SLOT_NAME.test(name)) throw new TypeError(`Cannot create slot '${name}': use 1-63 lower case letters, digits, _`);
      await query('SELECT pg_create_physical_replication_slot($1)', [name]);
    },
    dropSlot: async (name) => {
      await query('SELECT pg_drop_replication_slot($1)', [name]);
    },
    show: async (name) => {
      if (!GUC_NAME.test(name)) throw new TypeError(`Cannot SHOW '${name}': not a setting name`);
      return String((await query('SELECT current_setting($1) AS v', [name]))[0]?.['v']);
    },
    alterSystem: async (name, value) => {
      if (!GUC_NAME.test(name)) throw new TypeError(`Cannot ALTER SYSTEM '${name}': not a setting name`);
      // Utility statements take no parameters: the value is quoted as a literal.
      await query(value === undefined ? `ALTER SYSTEM RESET ${name}` : `ALTER SYSTEM SET ${name} = ${quoteGucValue(value)}`);
    },
    reloadConf: async () => {
      await query('SELECT pg_reload_conf()');
    },
    checkpoint: async () => {
      await query('CHECKPOINT');
    },
    close: () => client.end().catch(() => undefined),
  };
};

// On a primary the first 8 hex digits of the current WAL file name are the timeline being written
// (pg_control_checkpoint() still shows the old one until the first checkpoint after a promotion).
const TIMELINE_SQL = `SELECT CASE WHEN pg_is_in_recovery()
  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS tli`;

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
