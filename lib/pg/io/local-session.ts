// A client session to the local instance as the system user: over a unix socket, peer
// authentication sees the connecting process's effective uid, so root switches its effective
// ids for the connect() alone instead of spawning psql through runuser. The lean connection comes
// first (trust and peer, the local case); a server that asks for a password gets node-postgres.
import { userIds } from '../../exec/io/user-ids.ts';
import { connectPg, type PgTarget } from './client.ts';
import { connectLean, PasswordRequired } from './lean-connection.ts';
import type { PgSession } from './session.ts';

const asUser = async <T>(user: string, fn: () => Promise<T>): Promise<T> => {
  const ids = process.geteuid?.() === 0 && user !== 'root' && process.seteuid !== undefined ? userIds(user) : undefined;
  if (!ids) return fn();
  process.setegid!(ids.gid);
  process.seteuid!(ids.uid);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
};

const connect = async (t: PgTarget): Promise<PgSession> => {
  try {
    return await connectLean(t);
  } catch (e) {
    if (e instanceof PasswordRequired) return connectPg(t);
    throw e;
  }
};

/** Opens a session to an instance on this host as `target.user` (the system user); throws when it does not answer. */
export const connectLocal = (target: PgTarget, timeoutMs?: number): Promise<PgSession> => {
  const t = timeoutMs === undefined ? target : { ...target, connectTimeoutMs: timeoutMs };
  return t.host.startsWith('/') ? asUser(t.user, () => connect(t)) : connect(t);
};
