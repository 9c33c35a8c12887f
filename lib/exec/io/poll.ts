// Polling with a deadline: the one helper for "wait until this holds, but not past then".
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` every `intervalMs` until it returns true (then true) or `deadline` (epoch ms) passes
 * (then false); bounded in count as well as time.
 */
export const pollUntil = async (check: () => boolean | Promise<boolean>, o: { deadline: number; intervalMs: number; signal?: AbortSignal }): Promise<boolean> => {
  const maxTries = Math.ceil(Math.max(0, o.deadline - Date.now()) / Math.max(1, o.intervalMs)) + 2;
  for (let i = 0; i < maxTries; i++) {
    if (await check()) return true;
    if (Date.now() >= o.deadline || o.signal?.aborted) return false;
    await sleep(o.intervalMs);
  }
  return check();
};
