// The source server: one session to read where it stands (system identifier, role, timeline, checkpoint).
import { connectPg } from '../../pg/io/client.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { historyFileName, parseLsn } from '../../pg/lsn.ts';
import { parseTimelineHistory, type HistoryEntry } from '../../pg/timeline-history.ts';
import type { SourceFacts } from '../direction.ts';
import type { SyncParams } from '../params.ts';

/** host:port of the source, for reasons. */
export const sourceName = (p: SyncParams): string => `${p.source_host}:${p.source_port}`;

/** Opens a session to the source; throws an Error naming it when it cannot be reached. */
export const connectSource = (p: SyncParams, statementTimeoutMs: number): Promise<PgSession> => {
  if (p.source_passfile) process.env['PGPASSFILE'] = p.source_passfile;
  return connectPg({
    host: p.source_host, port: p.source_port, user: p.source_user, database: 'postgres',
    applicationName: 'db_sync', connectTimeoutMs: 10_000, statementTimeoutMs,
  });
};

/** The source's timeline history (pg_read_binary_file, superuser or granted); undefined when unreadable. */
const readHistory = async (s: PgSession, timeline: number): Promise<HistoryEntry[] | undefined> => {
  if (timeline <= 1) return [];
  try {
    const name = historyFileName(timeline);
    const [row] = await s.query<{ t: string }>("SELECT convert_from(pg_read_binary_file($1), 'UTF8') AS t", [`pg_wal/${name}`]);
    return parseTimelineHistory(String(row?.t ?? ''), name);
  } catch {
    return undefined;
  }
};

/** Reads the source's facts over an open session. */
export const readSourceFacts = async (s: PgSession, name: string): Promise<SourceFacts> => {
  const standing = await s.standing();
  const [row] = await s.query<{ sysid: string; checkpoint: string; started: string | null; wal_level: string }>(
    `SELECT (SELECT system_identifier::text FROM pg_control_system()) AS sysid, (SELECT checkpoint_lsn::text FROM pg_control_checkpoint()) AS checkpoint,
      floor(extract(epoch FROM pg_postmaster_start_time()))::bigint::text AS started, current_setting('wal_level') AS wal_level`,
  );
  if (!row) throw new Error(`pg_control_system() on ${name} returned no row`);
  return {
    history: await readHistory(s, standing.timeline),
    walLevel: String(row.wal_level), name, systemId: String(row.sysid), inRecovery: standing.inRecovery, timeline: standing.timeline, checkpointLsn: parseLsn(String(row.checkpoint)), postmasterStart: row.started === null ? undefined : Number(row.started) };
};
