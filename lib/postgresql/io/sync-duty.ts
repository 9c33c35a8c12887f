// The primary's synchronous replication duty (sync_mode fallback/strict): keep
// synchronous_standby_names = FIRST 1 (...) over the streaming standbys; under fallback clear it when
// none is left so writes go on, under strict never clear it so no commit is acknowledged by the
// primary alone. Changed only with ALTER SYSTEM and a reload, never in the user's postgresql.conf.
import { wantedSyncStandbyNames } from '../../pg/sync-standbys.ts';
import type { ReplicationRow } from '../../pg/replication-views.ts';
import type { PgSession } from '../../pg/io/session.ts';
import type { PgEnv } from './env.ts';

/**
 * Applies the wanted synchronous_standby_names, given pg_stat_replication and the value in force;
 * returns the value in force afterwards.
 */
export const manageSyncStandbys = async (env: PgEnv, session: PgSession, rows: readonly ReplicationRow[], current: string): Promise<string> => {
  if (env.p.sync_mode === 'off') return current;
  const d = wantedSyncStandbyNames(env.p.sync_mode, rows, current);
  if (!d.changed) return current;
  // An explicit '' (not RESET) so a value in postgresql.conf cannot come back underneath.
  await session.alterSystem('synchronous_standby_names', d.value);
  await session.reloadConf();
  env.log.info(`synchronous_standby_names '${current}' -> '${d.value}': ${d.reason}`);
  return d.value;
};
