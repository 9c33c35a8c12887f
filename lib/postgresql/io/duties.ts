// What the monitor does besides answering: the primary manages synchronous_standby_names and
// slots; both roles record lag and position in the state file (and, under Pacemaker, as node
// attributes and promotion scores).
import { readState, writeState } from '../../ocf/io/state-dir.ts';
import { notStreamingSince } from '../stalled-standby.ts';
import { formatLsn } from '../../pg/lsn.ts';
import { slotRetainedBytes, standbyLags, type ReplicationRow, type SlotRow } from '../../pg/replication-views.ts';
import { synchronousStandbys } from '../../pg/sync-standbys.ts';
import { manageSyncStandbys } from './sync-duty.ts';
import { publishBootstrapScore, publishPrimaryAttributes, readSyncFlag, underPacemaker } from './pacemaker-duty.ts';
import { askPeers } from './peers.ts';
import { newestOfAll } from '../../pg/promotion.ts';
import { isFormerPrimary } from './former-primary.ts';
import type { PgSession } from '../../pg/io/session.ts';
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

/**
 * pg_stat_replication once the walsenders took a new synchronous_standby_names (they do on their
 * own SIGHUP, just after pg_reload_conf returns): waits up to a second for a listed standby to
 * show as synchronous, so what is published and recorded is the new state.
 */
const rowsAfterReload = async (session: PgSession, names: string): Promise<ReplicationRow[]> => {
  let rows = await session.replicationRows();
  for (let i = 0; i < 20 && names !== '' && synchronousStandbys(rows, names).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    rows = await session.replicationRows();
  }
  return rows;
};

/** Primary-side duties of a recurring monitor (the views are read once, in one round trip). */
export const primaryDuties = async (env: PgEnv, i: Inspection, session: PgSession): Promise<void> => {
  const [before, slots, inForce] = await Promise.all([session.replicationRows(), session.slots(), session.show('synchronous_standby_names')]);
  const syncNames = await manageSyncStandbys(env, session, before, inForce);
  const rows = syncNames === inForce ? before : await rowsAfterReload(session, syncNames);
  await ensurePeerSlots(env, session, slots);
  await publishPrimaryAttributes(env, i, rows, syncNames);
  const current = i.lsn;
  recordState(env, i, {
    synchronous_standby_names: env.p.sync_mode === 'off' ? undefined : syncNames,
    standbys: current === undefined ? [] : standbyLags(rows, current).map((l) => jsonSafe(l)),
    slots: slots.map((s) => ({ ...jsonSafe(s), retained_bytes: current === undefined ? undefined : Number(slotRetainedBytes(s, current) ?? 0) })),
  });
};

// LSNs and byte counts are bigints; the state file holds them as LSN text and numbers.
const jsonSafe = (o: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? (k.toLowerCase().includes('lsn') ? formatLsn(v) : Number(v)) : v]));

/**
 * Standby-side duties of a recurring monitor. Returns since when the WAL receiver has not been
 * streaming, when it is not.
 */
export const standbyDuties = async (env: PgEnv, i: Inspection, session: PgSession): Promise<string | undefined> => {
  const [receiver, delay] = await Promise.all([
    session.walReceiver(),
    session.query<{ s: number | null }>('SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS s'),
  ]);
  // Following nobody under Pacemaker: a former primary of its timeline, or the holder of the newest
  // timeline of all (every peer a standby on an older one: both sides of a healed partition demoted),
  // offers itself for promotion; the promote checks the peers again.
  if (receiver?.status !== 'streaming' && i.timeline !== undefined && underPacemaker(env)
    && (isFormerPrimary(env, i.timeline) || newestOfAll({ timeline: i.timeline }, await askPeers(env)))) {
    await publishBootstrapScore(env, i.timeline);
  }
  const received = i.standing?.receiveLsn;
  const replayed = i.standing?.replayLsn;
  const since = notStreamingSince(readState(env.stateFile), receiver?.status === 'streaming', new Date(), replayed === undefined ? undefined : formatLsn(replayed));
  recordState(env, i, {
    not_streaming_since: since,
    receive_lsn: received === undefined ? undefined : formatLsn(received),
    replay_lsn: replayed === undefined ? undefined : formatLsn(replayed),
    // WAL received and not yet applied: what a promotion must replay first.
    replay_backlog_bytes: received !== undefined && replayed !== undefined && received > replayed ? Number(received - replayed) : 0,
    wal_receiver: receiver === undefined ? 'none' : jsonSafe(receiver),
    replay_delay_seconds: delay[0]?.s ?? undefined,
  });
  return since;
};

/**
 * Whether this standby was synchronous at the last knowledge; undefined when nothing tells.
 * Pacemaker: the flag the primary's monitor kept on this node. The classic heartbeat has no channel
 * between the agents, so nothing tells there: automatic promotion with sync_mode fallback/strict is
 * then allowed only when every peer answered and none is ahead (checkPromotion).
 */
export const syncKnowledge = (env: PgEnv): Promise<boolean | undefined> => readSyncFlag(env);

/** Creates a physical slot for each peer on a (new) primary, so their standbys can stream. */
export const ensurePeerSlots = async (env: PgEnv, session: PgSession, existing?: readonly SlotRow[]): Promise<void> => {
  if (!env.p.replication_slots) return;
  const { slotNameFor } = await import('../../pg/standby-settings.ts');
  const have = new Set((existing ?? (await session.slots())).map((s) => s.slotName));
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
