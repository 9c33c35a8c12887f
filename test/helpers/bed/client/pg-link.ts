// A reconnecting node-postgres connection for the bed's client processes: connect with a short
// timeout, run one query with a client-side deadline, and on any failure drop the socket at once
// (never a server-side cancel: a cancelled wait for synchronous replication would still return
// COMMIT to us, a write acknowledged without its standby).
import pg from 'pg';

/** Where to connect and how long to wait. */
export interface LinkOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  applicationName: string;
}

/** One query's rows, or throws (timeout, refused, server error); the link reconnects next time. */
export interface PgLink {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): void;
}

const destroy = (c: pg.Client): void => {
  const stream = (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
  c.end().catch(() => undefined);
};

/** Makes a link (it connects on the first query). */
export const makeLink = (o: LinkOptions): PgLink => {
  let client: pg.Client | undefined;
  const drop = (): void => {
    if (client) destroy(client);
    client = undefined;
  };
  const withDeadline = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    query: async (text, params) => {
      try {
        if (!client) {
          const c = new pg.Client({
            host: o.host, port: o.port, user: 'postgres', database: 'postgres',
            application_name: o.applicationName, connectionTimeoutMillis: o.connectTimeoutMs,
          });
          c.on('error', () => undefined);
          client = c;
          await withDeadline(c.connect(), o.connectTimeoutMs + 200, 'connect');
        }
        return (await withDeadline(client.query(text, params), o.queryTimeoutMs, 'query')).rows as Record<string, unknown>[];
      } catch (e) {
        drop();
        throw e;
      }
    },
    close: drop,
  };
};

/** Parses `--name value` pairs of a client process's argv. */
export const parseArgs = (argv: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = argv[i + 1]!;
  return out;
};

/** A short one-line error text. */
export const errorText = (e: unknown): string => ((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 200);
