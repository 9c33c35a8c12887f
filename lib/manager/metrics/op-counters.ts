// Counts the core's service operations (take, release, follow, setSync, stop) by outcome, by wrapping
// the ServiceResources port the daemon is given: failovers and handovers show as takes and releases.
import type { OpResult, ServiceResources } from '../ports.ts';

/** The operations of ServiceResources. */
export type ServiceOp = 'follow' | 'take' | 'release' | 'setSync' | 'stop';

/** One counter: operations of a kind and outcome so far. */
export interface OpCount {
  op: ServiceOp;
  result: 'ok' | 'failed';
  count: number;
}

/** The counters and the wrapped port. */
export interface CountedResources {
  resources: ServiceResources;
  counts(): OpCount[];
}

/** Wraps `inner` so every finished operation is counted (a rejected promise counts as failed). */
export const countOps = (inner: ServiceResources): CountedResources => {
  const counts = new Map<string, OpCount>();
  const bump = (op: ServiceOp, result: 'ok' | 'failed'): void => {
    const c = counts.get(`${op} ${result}`) ?? { op, result, count: 0 };
    counts.set(`${op} ${result}`, { ...c, count: c.count + 1 });
  };
  const counted = (op: ServiceOp, p: Promise<OpResult>): Promise<OpResult> =>
    p.then((r) => { bump(op, r.ok ? 'ok' : 'failed'); return r; }, (e: unknown) => { bump(op, 'failed'); throw e; });
  return {
    resources: {
      follow: () => counted('follow', inner.follow()),
      take: (s, lease, o) => counted('take', inner.take(s, lease, o)),
      release: (u) => counted('release', inner.release(u)),
      setSync: (s) => counted('setSync', inner.setSync(s)),
      stop: () => counted('stop', inner.stop()),
    },
    counts: () => [...counts.values()],
  };
};
