// Promotion: the checks a standby passes before it becomes primary (every reachable peer, what
// Pacemaker's attributes and this standby's own records tell), and the promotion itself.
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { describeFailure } from '../../exec/result.ts';
import { mayPromote, type Candidate } from '../../pg/promotion.ts';
import type { PgSession } from '../../pg/io/session.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';
import { askPeers, describePeers } from './peers.ts';
import { ensurePeerSlots, syncKnowledge } from './duties.ts';
import { waitForState } from './wait.ts';
import { lastPrimarySighting } from './last-primary.ts';
import { readPublishedPositions } from './pacemaker-duty.ts';
import { forgetFormerPrimary, isFormerPrimary } from './former-primary.ts';
import { readOurWalEnd } from './our-wal.ts';
import { parseNotification } from '../../ocf/notify.ts';
import { stoppedPeers } from '../stopped-peers.ts';

/** This node as a candidate; throws when its position is not known. */
export const self = (env: PgEnv, i: Inspection): Candidate => {
  if (i.timeline === undefined || i.lsn === undefined) {
    throw new OcfError(OCF_ERR_GENERIC, `Cannot tell the timeline and WAL position of ${env.p.pgdata} (${i.reason})`);
  }
  return { name: env.node, timeline: i.timeline, lsn: i.lsn };
};

/**
 * This node as a candidate, from the WAL it has. A running server says where it is; the control
 * file of a stopped standby shows its last restartpoint (possibly an older timeline) and that of a
 * crashed primary its last checkpoint, so their real end is read from pg_wal (pg_waldump).
 */
export const selfAsReplayed = async (env: PgEnv, i: Inspection): Promise<Candidate> => {
  const stale = i.state === 'stopped-standby' || i.state === 'crashed-standby' || i.state === 'crashed-primary';
  if (!stale || !i.control) return self(env, i);
  const end = await readOurWalEnd(env, i.control);
  env.log.info(`our position: timeline ${end.timeline} (${end.how})`);
  return { name: env.node, timeline: end.timeline, lsn: end.endLsn ?? end.lastRecordLsn };
};

/** Refuses (throws with the reason) unless this standby may be promoted now. */
export const checkPromotion = async (env: PgEnv, i: Inspection): Promise<void> => {
  const me = await selfAsReplayed(env, i);
  // Peers the manager proved stopped for this promote (Pacemaker's lists) are not waited for.
  const lists = parseNotification(env.input.ctx.meta);
  if (lists.unames.promote.length) {
    const u = lists.unames;
    env.log.info(`cluster lists for this promote: promote=[${u.promote.join(' ')}] stop=[${u.stop.join(' ')}] start=[${u.start.join(' ')}] demote=[${u.demote.join(' ')}]`);
  }
  const known = stoppedPeers({
    notification: lists,
    self: env.node,
    peers: env.p.peers.map((p) => p.name),
    action: env.input.ctx.action,
    mode: env.mode,
  });
  const peers = await askPeers(env, undefined, known);
  // Acknowledged commits live in some node's WAL: when every peer answers (and mayPromote finds
  // none ahead of us), we hold all of them whether or not we were synchronous.
  const everyoneAnswered = peers.every((p) => p.reachable);
  // Under Pacemaker, peers we cannot reach may have published their position in pre-promote.
  const published = await readPublishedPositions(env, peers.filter((p) => !p.reachable).map((p) => p.name));
  const verdict = mayPromote({
    self: me,
    requireSync: env.p.sync_mode !== 'off' && !everyoneAnswered,
    synchronous: await syncKnowledge(env),
    formerPrimary: isFormerPrimary(env, me.timeline),
    maxlag: BigInt(env.p.maxlag),
    lastPrimary: i.state === 'standby' ? await lastPrimarySighting(env) : undefined,
    peers,
    published,
  });
  const heard = published.map((c) => `${c.name}: published tl ${c.timeline}`).join(', ');
  (verdict.allow ? env.log.info : env.log.warn)(`promotion check: ${verdict.reason} [${describePeers(peers)}${heard ? `; ${heard}` : ''}]`);
  if (!verdict.allow) throw new OcfError(OCF_ERR_GENERIC, `Refusing to promote ${env.node}: ${verdict.reason}`);
};

/**
 * Asks the server to promote itself (pg_promote without waiting) and watches pg_is_in_recovery()
 * every 10 ms: pg_ctl promote -w and pg_promote's own wait both poll at 100 ms, most of a promotion's
 * time. Returns false when pg_promote cannot be used here (no privilege): pg_ctl promote then.
 */
const promoteBySql = async (env: PgEnv, session: PgSession): Promise<boolean> => {
  try {
    await session.query('SELECT pg_promote(false)');
  } catch (e) {
    env.log.info(`pg_promote() not usable (${(e as Error).message}); using pg_ctl promote`);
    return false;
  }
  for (let i = 0; i < 100_000 && Date.now() < env.deadline - 200; i++) {
    if (!(await session.isInRecovery())) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new OcfError(OCF_ERR_GENERIC, `Timed out waiting for ${env.p.pgdata} to leave recovery after pg_promote()`);
};

/** Promotes the local standby and waits until it accepts writes; creates the peers' slots. */
export const promoteStandby = async (env: PgEnv): Promise<void> => {
  env.log.info(`Promoting ${env.p.pgdata}`);
  const started = Date.now();
  // One session serves the promotion and, once it is done, the slots (a connection outlives it).
  const session = await env.instance.session();
  try {
    if (!(await promoteBySql(env, session))) {
      const r = await env.ctl.promote({ timeoutMs: env.left() });
      if (r.failed) throw new OcfError(OCF_ERR_GENERIC, `Cannot promote ${env.p.pgdata}: ${describeFailure(r)}`);
    }
    await waitForState(env, ['primary'], 'the promoted instance to accept writes');
    env.log.info(`${env.p.pgdata} accepts writes ${Date.now() - started} ms after the promotion began`);
    forgetFormerPrimary(env);
    await ensurePeerSlots(env, session);
  } finally {
    await session.close();
  }
};
