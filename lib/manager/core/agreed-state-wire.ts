// The agreed state from untrusted JSON (a heartbeat, a witness message, a state file).
import type { AgreedState } from './agreed-state.ts';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isNameOrNull = (x: unknown): x is string | null => x === null || (typeof x === 'string' && x.length > 0);

/** An agreed state from untrusted JSON (authenticated, but from another version maybe), or undefined. */
export const parseAgreedState = (x: unknown): AgreedState | undefined => {
  if (!isObj(x) || !isNat(x['epoch']) || !isNameOrNull(x['primary']) || !isNameOrNull(x['sync'])) return undefined;
  const state: AgreedState = { epoch: x['epoch'], primary: x['primary'], sync: x['sync'] };
  const r = x['released'];
  if (r !== undefined) {
    if (!isObj(r) || !isNat(r['timeline']) || !isNat(r['lsn']) || typeof r['successor'] !== 'string') return undefined;
    state.released = { timeline: r['timeline'], lsn: r['lsn'], successor: r['successor'] };
  }
  return state;
};

