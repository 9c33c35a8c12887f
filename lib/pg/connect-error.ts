// Why a connection to PostgreSQL failed, as the server said it (SQLSTATE), so callers can tell a
// full server from a stopped one.

/** SQLSTATE 53300: every connection slot is taken ("sorry, too many clients already"). */
export const TOO_MANY_CONNECTIONS = '53300';

/** SQLSTATE 57P03: the server is starting up or shutting down. */
export const CANNOT_CONNECT_NOW = '57P03';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * A connection that failed; `code` is the errno code (ECONNREFUSED, ...) or the server's SQLSTATE,
 * when there was one, and `sqlstate` the latter only.
 */
export class PgConnectError extends Error {
  override name = 'PgConnectError';
  readonly code: string | undefined;
  constructor(message: string, code: unknown) {
    super(message);
    this.code = typeof code === 'string' ? code : undefined;
  }

  get sqlstate(): string | undefined {
    return this.code !== undefined && SQLSTATE.test(this.code) ? this.code : undefined;
  }
}

/** The SQLSTATE an error carries (PgConnectError's, or a server error's `code`), if any. */
export const sqlstateOf = (e: unknown): string | undefined => {
  if (e instanceof PgConnectError) return e.sqlstate;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
};

/** Whether the server refused a connection because all its slots are taken: it runs, it is full. */
export const isServerFull = (e: unknown): boolean => sqlstateOf(e) === TOO_MANY_CONNECTIONS;
