// Witness messages inside pgbeat packets (lib/manager/wire): their types, the witness's sender name,
// and checks that turn an authenticated packet body back into a request, a reply or an agreed state.
import type { AgreedState } from '../core/agreed-state.ts';
import { parseAgreedState } from '../core/agreed-state-wire.ts';
import type { WitnessReply, WitnessRequest } from '../core/messages.ts';

/** The name the witness signs its packets with (never a node name). */
export const WITNESS_NAME = 'pgbeat-witness';
/** Packet type of a node's request to the witness. */
export const REQUEST_TYPE = 'witness-request';
/** Packet type of the witness's reply. */
export const REPLY_TYPE = 'witness-reply';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

const parsePos = (x: unknown): WitnessRequest['pg'] | undefined =>
  x === null ? null : isObj(x) && isNat(x['timeline']) && isNat(x['flushedLsn']) ? { timeline: x['timeline'], flushedLsn: x['flushedLsn'] } : undefined;

/** A request from a packet body, or a sentence saying what is wrong with it. */
export const parseWitnessRequest = (from: string, body: Record<string, unknown>): WitnessRequest | string => {
  const state = parseAgreedState(body['state']);
  const pg = parsePos(body['pg']);
  if (!isNat(body['id'])) return 'request without a numeric id';
  if (state === undefined) return 'request without a valid agreed state';
  if (pg === undefined) return 'request with a malformed data position';
  const req: WitnessRequest = { from, id: body['id'], state, pg };
  const cas = body['cas'];
  if (cas !== undefined) {
    const next = isObj(cas) ? parseAgreedState(cas['next']) : undefined;
    if (!isObj(cas) || !isNat(cas['expect']) || next === undefined) return 'request with a malformed compare-and-set';
    req.cas = { expect: cas['expect'], next };
  }
  return req;
};

/** A reply from a packet body, or a sentence saying what is wrong with it. */
export const parseWitnessReply = (body: Record<string, unknown>): WitnessReply | string => {
  const state = parseAgreedState(body['state']);
  if (typeof body['to'] !== 'string' || !isNat(body['id']) || !isNat(body['leaseMs'])) return 'reply without to, id or leaseMs';
  if (state === undefined) return 'reply without a valid agreed state';
  const reply: WitnessReply = { to: body['to'], id: body['id'], state, leaseMs: body['leaseMs'] };
  const cas = body['cas'];
  if (cas !== undefined) {
    if (!isObj(cas) || typeof cas['ok'] !== 'boolean' || typeof cas['why'] !== 'string') return 'reply with a malformed compare-and-set outcome';
    reply.cas = { ok: cas['ok'], why: cas['why'] };
  }
  return reply;
};

/** The text an agreed state is stored as (one JSON line). */
export const formatStoredState = (s: AgreedState): string => `${JSON.stringify(s)}\n`;

/** A stored agreed state, or undefined when the text does not hold one. */
export const parseStoredState = (text: string): AgreedState | undefined => {
  try {
    return parseAgreedState(JSON.parse(text));
  } catch {
    return undefined;
  }
};
