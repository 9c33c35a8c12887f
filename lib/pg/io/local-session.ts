// A client session to the local instance as the system user: over a unix socket, peer
// authentication sees the connecting process's effective uid, so root switches its effective ids
// for the connect() call alone (synchronous: nothing else in the process runs meanwhile, no module is
// loaded and no file opened as that user) instead of spawning psql through runuser. The lean
// connection comes first (trust and peer, the local case); a server that asks for a password gets
// node-postgres. The agents (through instance.ts) and the manager's probe open sessions here.
import type { Socket } from 'node:net';
import { userIds } from '../../exec/io/user-ids.ts';
import { connectPg, type PgTarget } from './client.ts';
import { connectLean, PasswordRequired } from './lean-connection.ts';
import type { PgSession } from './session.ts';

/** Connects the instance's unix socket with `user`'s effective ids (when root), then waits for the connection. */
const connectSocketAs = async (t: PgTarget, user: string | undefined): Promise<Socket> => {
  const net = process.getBuiltinModule('node:net');
  const path = `${t.host}/.s.PGSQL.${t.port}`;
  const ids = user !== undefined && user !== 'root' && process.geteuid?.() === 0 && process.seteuid !== undefined ? userIds(user) : undefined;
  let socket: Socket;
  if (ids) {
    process.setegid!(ids.gid);
    process.seteuid!(ids.uid);
    try {
      socket = net.connect({ path });
    } finally {
      process.seteuid!(0);
      process.setegid!(0);
    }
  } else {
    socket = net.connect({ path });
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to ${t.host} timed out`)), t.connectTimeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(); });
    socket.once('error', (e) => { clearTimeout(timer); reject(e); });
  }).catch((e: Error) => {
    socket.destroy();
    throw new Error(`Cannot connect to PostgreSQL at ${t.host}:${t.port}: ${e.message}`);
  });
  return socket;
};

/** Opens a session to `t`: over its unix socket connected as `osUser`, or over TCP. */
export const openLocalSession = async (t: PgTarget, osUser: string | undefined): Promise<PgSession> => {
  try {
    return t.host.startsWith('/') ? await connectLean(t, await connectSocketAs(t, osUser)) : await connectLean(t);
  } catch (e) {
    if (e instanceof PasswordRequired) return connectPg(t);
    throw e;
  }
};

/** Opens a session to an instance on this host as `target.user` (the system user); throws when it does not answer. */
export const connectLocal = (target: PgTarget, timeoutMs?: number): Promise<PgSession> =>
  openLocalSession(timeoutMs === undefined ? target : { ...target, connectTimeoutMs: timeoutMs }, target.user);
