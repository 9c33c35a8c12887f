// notify (promotable clones with notify=true). pre-promote: every node publishes its timeline and
// WAL position (a node attribute) for the node about to be promoted, which compares itself with
// the peers it cannot reach directly. post-promote: the published positions are withdrawn, and
// standbys re-point primary_conninfo straight at the promoted node (PostgreSQL 13+ reloads it
// without a restart), so they do not wait for the virtual IP to move. Always returns success, as
// the contract asks.
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import { parseNotification, type Notification } from '../../ocf/notify.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import { formatLsn } from '../../pg/lsn.ts';
import type { PgParams } from '../params.ts';
import { pgEnv, type PgEnv } from './env.ts';
import { inspect } from './inspect.ts';
import { publishPosition, withdrawPosition } from './pacemaker-duty.ts';

const prePromote = async (env: PgEnv): Promise<void> => {
  const i = await inspect(env);
  await i.session?.close();
  if (i.timeline === undefined || i.lsn === undefined) {
    env.log.info(`pre-promote: no position to publish (${i.state}: ${i.reason})`);
    return;
  }
  await publishPosition(env, { timeline: i.timeline, lsn: i.lsn });
  env.log.info(`pre-promote: published timeline ${i.timeline} at ${formatLsn(i.lsn)} (${i.state})`);
};

const postPromote = async (env: PgEnv, n: Notification): Promise<void> => {
  await withdrawPosition(env);
  const target = n.unames.promote.length === 1 ? env.p.peers.find((p) => p.name === n.unames.promote[0]) : undefined;
  if (!target || target.name === env.node) return;
  const i = await inspect(env);
  try {
    if (i.state !== 'standby' || !i.session) return;
    const conninfo = renderConninfo({
      host: target.host,
      port: target.port,
      user: env.p.repuser,
      application_name: env.node,
      passfile: env.p.repl_passfile || undefined,
      connect_timeout: 2,
    });
    if ((await i.session.show('primary_conninfo')) === conninfo) return;
    await i.session.alterSystem('primary_conninfo', conninfo);
    await i.session.reloadConf();
    env.log.info(`post-promote: now streaming from ${target.name} (${target.host}:${target.port})`);
  } finally {
    await i.session?.close();
  }
};

/** notify: pre-promote publishes this node's position; post-promote withdraws it and re-points a standby. */
export const notifyPg = async (input: ActionInput<PgParams>): Promise<OcfCode> => {
  const n = parseNotification(input.ctx.meta);
  input.log.debug(`notify ${n.type ?? '?'}-${n.operation ?? '?'} promote=[${n.unames.promote.join(' ')}]`);
  if (n.operation !== 'promote' || (n.type !== 'pre' && n.type !== 'post')) return OCF_SUCCESS;
  try {
    const env = await pgEnv(input);
    if (n.type === 'pre') await prePromote(env);
    else await postPromote(env, n);
  } catch (e) {
    input.log.warn(`notify: ${(e as Error).message}`);
  }
  return OCF_SUCCESS;
};
