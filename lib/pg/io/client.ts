// A node-postgres (`pg`) connection to one instance (unix socket directory or host+port), with
// connect and statement timeouts, carrying the agent's typed session (session.ts).
import type { Client, ClientConfig } from 'pg';
import { PgConnectError } from '../connect-error.ts';
import { sessionOver, type PgSession } from './session.ts';

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

/** Opens a `pg` client; throws PgConnectError with the target named when the connection fails. */
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
    throw new PgConnectError(`Cannot connect to PostgreSQL at ${t.host}:${t.port} as ${t.user}: ${(e as Error).message}`, (e as { code?: unknown }).code);
  }
  return client;
};

/** Opens a session to one instance over node-postgres. */
export const connectPg = async (t: PgTarget): Promise<PgSession> => {
  const client = await openClient(t);
  return sessionOver(
    async <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> =>
      (await client.query<T>(sql, params as unknown[] | undefined)).rows,
    () => client.end().catch(() => undefined),
  );
};
