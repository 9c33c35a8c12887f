// Waiting for the local instance to reach a state, bounded by the action's deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { InstanceState } from '../../pg/instance-state.ts';
import type { PgEnv } from './env.ts';
import { inspect, type Inspection } from './inspect.ts';
import { GONE_PROBES, waitVerdict } from '../wait-verdict.ts';

/**
 * Polls until the instance is in one of `wanted` (returns the inspection, session closed) or the
 * deadline passes; fails at once when the postmaster is gone on two probes in a row (waitVerdict).
 */
export const waitForState = async (env: PgEnv, wanted: readonly InstanceState[], what: string): Promise<Inspection> => {
  let last: Inspection | undefined;
  let gone = 0;
  for (let i = 0; i < 10_000 && Date.now() < env.deadline - 200; i++) {
    last = await inspect(env);
    await last.session?.close();
    const v = waitVerdict(wanted, last.state, gone);
    if (v.kind === 'reached') return { ...last, session: undefined };
    if (v.kind === 'gone') {
      throw new OcfError(OCF_ERR_GENERIC, `Gave up waiting for ${what}: no postmaster runs (${GONE_PROBES} probes in a row: ${last.state}, ${last.reason})`);
    }
    gone = v.goneInARow;
    await sleep(Math.min(100 + i * 50, 1_000));
  }
  throw new OcfError(OCF_ERR_GENERIC, `Timed out waiting for ${what}: the instance is ${last?.state ?? 'unknown'} (${last?.reason ?? 'never inspected'})`);
};

/** Inspects once and closes the session (for callers that only need the state). */
export const inspectOnce = async (env: PgEnv): Promise<Inspection> => {
  const i = await inspect(env);
  await i.session?.close();
  return { ...i, session: undefined };
};
