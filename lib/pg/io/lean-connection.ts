// A lean connection to the local instance, for the probes a monitor runs every few seconds:
// node-postgres's own wire-protocol package (pg-protocol) over a plain socket, without the pool,
// type registry, TLS and password machinery that make loading `pg` cost ~10 ms per call. It takes
// trust and peer authentication only; when the server asks for a password, connectLean throws
// PasswordRequired and the caller uses node-postgres (client.ts), which handles every method.
// Statements are pipelined: each is written at once and the answers come back in call order (the
// server runs them one after another, as if awaited in turn). A parameterized one uses the extended protocol.
import type { Socket } from 'node:net';
import { PgConnectError } from '../connect-error.ts';
import { rowFromText } from '../text-values.ts';
import type { PgTarget } from './client.ts';
import { sessionOver, type PgSession } from './session.ts';

/** The server asked for a password (or SASL): use a full client instead. */
export class PasswordRequired extends Error {}

interface Message {
  name: string;
  message?: string;
  code?: string;
  fields?: unknown[];
}

interface Pending {
  fields: { name: string; dataTypeID: number }[];
  rows: Record<string, unknown>[];
  error: Error | undefined;
  done: (e: Error | undefined, rows: Record<string, unknown>[]) => void;
}

const describe = (t: PgTarget): string => `${t.host}:${t.port} as ${t.user}`;

/**
 * Opens a session over the lean connection; throws PasswordRequired when trust/peer do not apply.
 * `socket`: one the caller already connected to the server (a daemon connects a unix socket under
 * another effective uid for peer authentication, synchronously, and hands it over).
 */
export const connectLean = async (t: PgTarget, given?: Socket): Promise<PgSession> => {
  const { serialize, parse } = await import('pg-protocol');
  // getBuiltinModule, not import(): a dynamic import of a built-in starts Node's ESM loader (~3 ms).
  const net = process.getBuiltinModule('node:net');
  // Over TCP, Nagle's algorithm would hold a pipelined statement back until the previous one's ACK.
  const socket: Socket = given ?? (t.host.startsWith('/') ? net.connect({ path: `${t.host}/.s.PGSQL.${t.port}` }) : net.connect({ host: t.host, port: t.port, noDelay: true }));
  // Exchanges written and not yet answered, oldest first.
  const pending: Pending[] = [];
  let broken: Error | undefined;

  const fail = (e: Error): void => {
    broken ??= e;
    // A server error (a FATAL at startup, say) comes just before the server hangs up: report it.
    for (const p of pending.splice(0)) p.done(p.error ?? broken, []);
    socket.destroy();
  };
  socket.on('error', (e) => fail(e));
  socket.on('close', () => fail(new Error('the server closed the connection')));

  // One exchange: writes the messages; its rows are collected until its ReadyForQuery.
  const exchange = (buffers: Buffer[], timeoutMs: number, what: string): Promise<Record<string, unknown>[]> =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken);
      const timer = setTimeout(() => fail(new Error(`${what} got no answer within ${timeoutMs} ms`)), timeoutMs);
      pending.push({
        fields: [],
        rows: [],
        error: undefined,
        done: (e, rows) => {
          clearTimeout(timer);
          if (e) reject(e);
          else resolve(rows);
        },
      });
      socket.write(Buffer.concat(buffers));
    });

  parse(socket, (raw) => {
    const m = raw as unknown as Message;
    const p = pending[0];
    if (m.name.startsWith('authentication') && m.name !== 'authenticationOk') {
      fail(new PasswordRequired(`the server at ${describe(t)} asks for a password (${m.name.slice('authentication'.length)})`));
      return;
    }
    if (!p) return;
    switch (m.name) {
      case 'rowDescription':
        p.fields = (m.fields ?? []) as Pending['fields'];
        return;
      case 'dataRow':
        p.rows.push(rowFromText(p.fields, (m.fields ?? []) as (string | null)[]));
        return;
      case 'error':
        p.error ??= Object.assign(new Error(m.message ?? 'unknown server error'), { code: m.code });
        return;
      case 'readyForQuery':
        pending.shift();
        p.done(p.error, p.rows);
        return;
    }
  }).catch((e: Error) => fail(e));

  const startup = serialize.startup({
    user: t.user,
    database: t.database ?? 'postgres',
    application_name: t.applicationName ?? 'pgbeat',
    client_encoding: 'UTF8',
    statement_timeout: String(t.statementTimeoutMs),
  });
  try {
    await exchange([startup], t.connectTimeoutMs, 'the connection');
  } catch (e) {
    socket.destroy();
    if (e instanceof PasswordRequired) throw e;
    throw new PgConnectError(`Cannot connect to PostgreSQL at ${describe(t)}: ${(e as Error).message}`, e instanceof PgConnectError ? e.code : (e as { code?: unknown }).code);
  }

  const queryTimeout = t.statementTimeoutMs + 1_000;
  const run = (sql: string, params: readonly unknown[] | undefined): Promise<Record<string, unknown>[]> => {
    if (params === undefined || params.length === 0) return exchange([serialize.query(sql)], queryTimeout, 'the query');
    const values = params.map((v) => (v === null || v === undefined ? null : String(v)));
    return exchange(
      [serialize.parse({ text: sql }), serialize.bind({ values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()],
      queryTimeout,
      'the query',
    );
  };
  // Answers come in call order: once the latest exchange is settled, all are.
  let latest: Promise<unknown> = Promise.resolve();
  const query = <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    const answer = run(sql, params) as Promise<T[]>;
    latest = answer.catch(() => undefined);
    return answer;
  };
  const close = async (): Promise<void> => {
    await latest;
    if (broken) return;
    broken = new Error('the session is closed');
    socket.end(serialize.end());
  };
  return sessionOver(query, close);
};
