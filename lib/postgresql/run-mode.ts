// Which way the agent runs: promotable clone or primitive ("started = the primary runs here").
import type { RunMode } from './params.ts';

/** Whether Pacemaker's meta attributes describe a promotable clone. */
export const isPromotableClone = (meta: Readonly<Record<string, string>>): boolean =>
  meta['promotable'] === 'true' ||
  meta['promoted_max'] !== undefined ||
  meta['master_max'] !== undefined;

/** The effective mode: an explicit parameter wins; v1 calls are primitive; else the clone meta decides. */
export const effectiveMode = (
  param: RunMode,
  v1: boolean,
  meta: Readonly<Record<string, string>>,
): 'promotable' | 'primitive' => {
  if (param !== 'auto') return param;
  if (v1) return 'primitive';
  return isPromotableClone(meta) ? 'promotable' : 'primitive';
};
