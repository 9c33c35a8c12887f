// notify (promotable clones with notify=true): after a promotion, standbys re-point their
// primary_conninfo straight at the promoted node (PostgreSQL 13+ reloads it without a restart),
// so they do not wait for the virtual IP to move. Always returns success, as the contract asks.
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import { parseNotification } from '../../ocf/notify.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import type { PgParams } from '../params.ts';
import { pgEnv } from './env.ts';
import { inspect } from './inspect.ts';

/** notify: logs the event; post-promote on a standby points it at the new primary. */
export const notifyPg = async (input: ActionInput<PgParams>): Promise<OcfCode> => {
  const n = parseNotification(input.ctx.meta);
  input.log.debug(`notify ${n.type ?? '?'}-${n.operation ?? '?'} promote=[${n.unames.promote.join(' ')}]`);
  if (n.type !== 'post' || n.operation !== 'promote' || n.unames.promote.length !== 1) return OCF_SUCCESS;
  try {
    const env = await pgEnv(input);
    const target = env.p.peers.find((p) => p.name === n.unames.promote[0]);
    if (!target || target.name === env.node) return OCF_SUCCESS;
    const i = await inspect(env);
    try {
      if (i.state !== 'standby' || !i.session) return OCF_SUCCESS;
      const conninfo = renderConninfo({
        host: target.host,
        port: target.port,
        user: env.p.repuser,
        application_name: env.node,
        passfile: env.p.repl_passfile || undefined,
        connect_timeout: 2,
      });
      if ((await i.session.show('primary_conninfo')) === conninfo) return OCF_SUCCESS;
      await i.session.alterSystem('primary_conninfo', conninfo);
      await i.session.reloadConf();
      env.log.info(`post-promote: now streaming from ${target.name} (${target.host}:${target.port})`);
    } finally {
      await i.session?.close();
    }
  } catch (e) {
    input.log.warn(`notify: ${(e as Error).message}`);
  }
  return OCF_SUCCESS;
};
