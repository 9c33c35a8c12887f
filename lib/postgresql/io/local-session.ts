// A client session to the local instance as the system user: over a unix socket, peer
// authentication sees the connecting process's effective uid, so root switches its effective
// ids for the connect() alone instead of spawning psql through runuser.
import { connectPg, type PgSession } from '../../pg/io/client.ts';
import type { PgEnv } from './env.ts';

const asUser = async <T>(user: string, fn: () => Promise<T>): Promise<T> => {
  const canSwitch = process.geteuid?.() === 0 && user !== 'root' && process.seteuid !== undefined;
  if (!canSwitch) return fn();
  process.setegid!(user);
  process.seteuid!(user);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
};

/** Opens a session to this node's instance; throws when it does not answer. */
export const localSession = (env: Pick<PgEnv, 'local' | 'p'>, timeoutMs?: number): Promise<PgSession> => {
  const target = timeoutMs === undefined ? env.local : { ...env.local, connectTimeoutMs: timeoutMs };
  return env.local.host.startsWith('/') ? asUser(env.p.system_user, () => connectPg(target)) : connectPg(target);
};
