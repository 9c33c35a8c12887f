// Waiting for the local instance to reach a state, bounded by the action's deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { InstanceState } from '../../pg/instance-state.ts';
import type { PgEnv } from './env.ts';
import { inspect, type Inspection } from './inspect.ts';

/** Polls until the instance is in one of `wanted` (returns the inspection, session closed) or the deadline passes. */
export const waitForState = async (env: PgEnv, wanted: readonly InstanceState[], what: string): Promise<Inspection> => {
  let last: Inspection | undefined;
  for (let i = 0; i < 10_000 && Date.now() < env.deadline - 200; i++) {
    last = await inspect(env);
    await last.session?.close();
    if (wanted.includes(last.state)) return { ...last, session: undefined };
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
