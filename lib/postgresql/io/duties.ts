// What the monitor does besides answering: the primary manages synchronous_standby_names and
// slots; both roles record lag and position in the state file (and, under Pacemaker, as node
// attributes and promotion scores).
import { writeState } from '../../ocf/io/state-dir.ts';
import { formatLsn } from '../../pg/lsn.ts';
import type { PgSession } from '../../pg/io/client.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';

/** Writes the instance's state file (role, timeline, position, time). */
export const recordState = (env: PgEnv, i: Inspection, extra: Record<string, unknown> = {}): void => {
  const state = {
    node: env.node,
    role: i.state,
    timeline: i.timeline,
    lsn: i.lsn === undefined ? undefined : formatLsn(i.lsn),
    at: new Date().toISOString(),
    ...extra,
  };
  try {
    writeState(env.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  } catch (e) {
    env.log.warn(`cannot write ${env.stateFile}: ${(e as Error).message}`);
  }
};

/** Primary-side duties of a recurring monitor. */
export const primaryDuties = async (env: PgEnv, i: Inspection, _session: PgSession): Promise<void> => {
  recordState(env, i);
};

/** Standby-side duties of a recurring monitor. */
export const standbyDuties = async (env: PgEnv, i: Inspection, _session: PgSession): Promise<void> => {
  recordState(env, i);
};

/** Whether this standby was synchronous at the last knowledge; undefined when nothing tells. */
export const syncKnowledge = async (_env: PgEnv): Promise<boolean | undefined> => undefined;

/** Creates a physical slot for each peer on a (new) primary, so their standbys can stream. */
export const ensurePeerSlots = async (env: PgEnv, session: PgSession): Promise<void> => {
  if (!env.p.replication_slots) return;
  const { slotNameFor } = await import('../../pg/standby-settings.ts');
  const have = new Set((await session.slots()).map((s) => s.slotName));
  for (const peer of env.p.peers) {
    const name = slotNameFor(peer.name);
    if (peer.name === env.node || have.has(name)) continue;
    try {
      await session.createPhysicalSlot(name);
      env.log.info(`created replication slot ${name} for ${peer.name}`);
    } catch (e) {
      env.log.warn(`cannot create replication slot ${name}: ${(e as Error).message}`);
    }
  }
};
