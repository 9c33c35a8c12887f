import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeartbeat } from '../../../../lib/manager/core/heartbeat-wire.ts';
import type { Heartbeat } from '../../../../lib/manager/core/messages.ts';

const hb: Heartbeat = {
  from: 'alpha', seq: 4, incarnation: 7, state: { epoch: 2, primary: 'alpha', sync: 'beta' }, holding: true,
  pg: { role: 'primary', timeline: 1, flushedLsn: 50331744, replayedLsn: 0, streaming: false, syncFlushedLsn: 50331744 },
  ack: 3, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500,
};

test('parseHeartbeat() reads back what a node sends, through JSON', () => {
  assert.deepEqual(parseHeartbeat('alpha', JSON.parse(JSON.stringify(hb))), hb);
});

test('parseHeartbeat() names what is wrong with a malformed body', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no state', { ...hb, state: undefined }, /agreed state/],
    ['bad pg role', { ...hb, pg: { ...hb.pg, role: 'leader' } }, /PostgreSQL report/],
    ['seq as text', { ...hb, seq: '4' }, /seq/],
    ['ack as text', { ...hb, ack: 'x' }, /ack/],
    ['holding missing', { ...hb, holding: undefined }, /holding/],
  ];
  for (const [name, body, want] of cases) assert.match(String(parseHeartbeat('alpha', JSON.parse(JSON.stringify(body)))), want, name);
});
