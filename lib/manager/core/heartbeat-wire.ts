// Heartbeats inside pgbeat packets (type "heartbeat", body = the Heartbeat object): the check that
// turns an authenticated body back into a Heartbeat.
import { parseAgreedState } from './agreed-state-wire.ts';
import type { Heartbeat } from './messages.ts';
import type { PgReport } from './pg-report.ts';

/** Packet type of a heartbeat. */
export const HEARTBEAT_TYPE = 'heartbeat';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const parsePg = (x: unknown): PgReport | null | undefined => {
  if (x === null) return null;
  if (!isObj(x) || !['primary', 'standby', 'stopped'].includes(x['role'] as string)) return undefined;
  if (!isNum(x['timeline']) || !isNum(x['flushedLsn']) || !isNum(x['replayedLsn']) || typeof x['streaming'] !== 'boolean') return undefined;
  const sync = x['syncFlushedLsn'];
  if (sync !== null && !isNum(sync)) return undefined;
  return { role: x['role'] as PgReport['role'], timeline: x['timeline'], flushedLsn: x['flushedLsn'], replayedLsn: x['replayedLsn'], streaming: x['streaming'], syncFlushedLsn: sync };
};

/** A heartbeat from an authenticated packet body of `from`, or a sentence saying what is wrong. */
export const parseHeartbeat = (from: string, body: Record<string, unknown>): Heartbeat | string => {
  const state = parseAgreedState(body['state']);
  const pg = parsePg(body['pg']);
  if (state === undefined) return 'heartbeat without a valid agreed state';
  if (pg === undefined) return 'heartbeat with a malformed PostgreSQL report';
  const ack = body['ack'];
  const candidate = body['candidate'];
  if (!isNum(body['seq']) || !isNum(body['incarnation']) || !isNum(body['deadtimeMs'])) return 'heartbeat without seq, incarnation or deadtime';
  if (ack !== null && !isNum(ack)) return 'heartbeat with a malformed ack';
  if (candidate !== null && typeof candidate !== 'string') return 'heartbeat with a malformed candidate';
  for (const f of ['holding', 'leaving', 'wantsService']) if (typeof body[f] !== 'boolean') return `heartbeat without ${f}`;
  return {
    from, seq: body['seq'], incarnation: body['incarnation'], state, holding: body['holding'] as boolean, pg, ack,
    leaving: body['leaving'] as boolean, wantsService: body['wantsService'] as boolean, candidate, deadtimeMs: body['deadtimeMs'],
  };
};
