// Why a connection to PostgreSQL failed, as the server said it (SQLSTATE), so callers can tell a
// full server from a stopped one.

/** SQLSTATE 53300: every connection slot is taken ("sorry, too many clients already"). */
export const TOO_MANY_CONNECTIONS = '53300';

/** SQLSTATE 57P03: the server is starting up or shutting down. */
export const CANNOT_CONNECT_NOW = '57P03';

/** A connection that failed; `sqlstate` is the server's code when it answered with an error. */
export class PgConnectError extends Error {
  override name = 'PgConnectError';
  constructor(
    message: string,
    readonly sqlstate: string | undefined,
  ) {
    super(message);
  }
}

/** The SQLSTATE an error carries (PgConnectError's, or a server error's `code`), if any. */
export const sqlstateOf = (e: unknown): string | undefined => {
  if (e instanceof PgConnectError) return e.sqlstate;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Whether the server refused a connection because all its slots are taken: it runs, it is full. */
export const isServerFull = (e: unknown): boolean => sqlstateOf(e) === TOO_MANY_CONNECTIONS;
