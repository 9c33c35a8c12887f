// Whether a wait for the local instance to reach a state goes on: a postmaster that is gone (no live
// postmaster on two probes in a row) will not get there, so the wait ends at once instead of at the
// action's timeout (a postmaster that crashes again while starting would otherwise hang the start).
import type { InstanceState } from '../pg/instance-state.ts';

/** States with no live postmaster. */
const GONE: readonly InstanceState[] = ['stopped', 'stopped-standby', 'crashed-primary', 'crashed-standby'];

/** How many probes in a row must find no postmaster before the wait gives up. */
export const GONE_PROBES = 2;

/** The verdict after one probe, with the count of probes in a row that found no postmaster. */
export type WaitVerdict = { kind: 'reached' } | { kind: 'wait'; goneInARow: number } | { kind: 'gone' };

/** Judges one probe of a wait for `wanted`, given how many earlier probes in a row found no postmaster. */
export const waitVerdict = (wanted: readonly InstanceState[], state: InstanceState, goneInARow: number): WaitVerdict => {
  if (wanted.includes(state)) return { kind: 'reached' };
  if (!GONE.includes(state)) return { kind: 'wait', goneInARow: 0 };
  const n = goneInARow + 1;
  return n >= GONE_PROBES ? { kind: 'gone' } : { kind: 'wait', goneInARow: n };
};
