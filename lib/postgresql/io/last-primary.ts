// Gathers where the primary last was, as this standby heard it: the live WAL receiver (when it still
// runs) and what the standby's monitors recorded during this server's run (see ../last-primary.ts).
import { readState } from '../../ocf/io/state-dir.ts';
import { readPostmasterPid } from '../../pg/io/postmaster.ts';
import { furthestSighting, sightingFromReceiver, sightingFromState, type PrimarySighting } from '../last-primary.ts';
import type { PgEnv } from './env.ts';

/** The furthest known position of the primary; undefined when nothing was heard. */
export const lastPrimarySighting = async (env: PgEnv): Promise<PrimarySighting | undefined> => {
  const startedAt = readPostmasterPid(env.p.pgdata)?.startTime;
  const recorded = sightingFromState(readState(env.stateFile), startedAt);
  let live: PrimarySighting | undefined;
  try {
    const session = await env.instance.session(Math.min(2_000, env.left()));
    try {
      live = sightingFromReceiver(await session.walReceiver(), 'heard by the WAL receiver');
    } finally {
      await session.close();
    }
  } catch (e) {
    env.log.debug(`WAL receiver: ${(e as Error).message}`);
  }
  return furthestSighting(live, recorded);
};
