import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthKey } from '../../../../lib/manager/config/cluster-config.ts';
import type { WitnessRequest } from '../../../../lib/manager/core/messages.ts';
import { clusterIdOf, decodePacket, encodePacket } from '../../../../lib/manager/wire/packet.ts';
import { initWitness } from '../../../../lib/manager/witness/witness-state.ts';
import { newServiceState, serveFrame, type ServiceContext } from '../../../../lib/manager/witness/witness-service.ts';
import { REPLY_TYPE, REQUEST_TYPE, WITNESS_NAME, parseWitnessReply, parseWitnessRequest } from '../../../../lib/manager/witness/witness-wire.ts';

const key: AuthKey = { index: 1, method: 'sha256', key: 'secret' };
const forged: AuthKey = { index: 1, method: 'sha256', key: 'guess' };
const clusterId = clusterIdOf('pgbeat');
const ctx: ServiceContext = { cfg: { nodes: ['alpha', 'beta'], leaseMs: 396, rho: 0.01 }, clusterId, generation: 9, signKey: key, keys: [key] };
const state = { epoch: 2, primary: 'alpha', sync: 'beta' };
const frame = (from: string, seq: number, body: WitnessRequest, k = key, type = REQUEST_TYPE) =>
  encodePacket({ clusterId, generation: 3, seq, from, to: WITNESS_NAME, type, body: body as unknown as Record<string, unknown> }, k);
const request = (from: string, id: number): WitnessRequest => ({ from, id, state, pg: { timeline: 1, flushedLsn: 10 } });

test('serveFrame() answers an authentic request with a signed reply addressed to the sender', () => {
  const st = newServiceState(initWitness(0, state));
  const out = serveFrame(ctx, st, frame('alpha', 1, request('alpha', 7)), 1000);
  assert.equal(out.to, 'alpha');
  const d = decodePacket(out.reply!, clusterId, [key]);
  assert.ok(d.ok);
  assert.equal(d.packet.from, WITNESS_NAME);
  assert.equal(d.packet.type, REPLY_TYPE);
  assert.deepEqual(parseWitnessReply(d.packet.body), { to: 'alpha', id: 7, state, leaseMs: 396 });
});

test('serveFrame() drops forged, replayed, foreign and malformed requests without answering', () => {
  let st = newServiceState(initWitness(0, state));
  st = serveFrame(ctx, st, frame('alpha', 5, request('alpha', 1)), 1000).st;
  const cases: [string, Uint8Array, RegExp][] = [
    ['forged', frame('alpha', 6, request('alpha', 2), forged), /bad-mac/],
    ['replayed', frame('alpha', 5, request('alpha', 1)), /duplicate|replay/],
    ['unknown node', frame('mallory', 1, request('mallory', 1)), /unknown-node/],
    ['not a request', frame('beta', 1, request('beta', 1), key, 'status'), /ignored a status packet/],
    ['malformed body', encodePacket({ clusterId, generation: 3, seq: 9, from: 'beta', to: WITNESS_NAME, type: REQUEST_TYPE, body: { id: 'x' } }, key), /without a numeric id/],
  ];
  for (const [name, f, why] of cases) {
    const out = serveFrame(ctx, st, f, 1100);
    assert.equal(out.reply, null, name);
    assert.match(out.log ?? '', why, name);
  }
});

test('parseWitnessRequest() keeps a compare-and-set and refuses a malformed one', () => {
  const ok = parseWitnessRequest('beta', { id: 1, state, pg: null, cas: { expect: 2, next: { epoch: 3, primary: 'beta', sync: null } } });
  assert.deepEqual(ok, { from: 'beta', id: 1, state, pg: null, cas: { expect: 2, next: { epoch: 3, primary: 'beta', sync: null } } });
  assert.match(String(parseWitnessRequest('beta', { id: 1, state, pg: null, cas: { expect: 'x' } })), /malformed compare-and-set/);
});
