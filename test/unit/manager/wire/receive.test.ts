import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthKey } from '../../../../lib/manager/config/cluster-config.ts';
import { clusterIdOf, encodePacket } from '../../../../lib/manager/wire/packet.ts';
import { newReceiverState, peerGenerations, receiveFrame, type ReceiverState } from '../../../../lib/manager/wire/receive.ts';

const KEY: AuthKey = { index: 1, method: 'sha256', key: 'k' };
const CID = clusterIdOf('lab');
const CTX = { self: 'beta', senders: ['alpha', '@witness'], clusterId: CID, keys: [KEY] };
const pkt = (from: string, generation: number, seq: number, to?: string): Uint8Array =>
  encodePacket({ clusterId: CID, generation, seq, from, to, type: 'hb', body: { seq } }, KEY);

test('receiveFrame accepts, drops per cause and counts every drop', () => {
  const frames: [Uint8Array, string][] = [
    [pkt('alpha', 3, 1), 'accept'],
    [pkt('alpha', 3, 1), 'duplicate'],
    [pkt('alpha', 3, 2, 'beta'), 'accept'],
    [pkt('alpha', 2, 99), 'replay'],
    [pkt('beta', 1, 1), 'own'],
    [pkt('gamma', 1, 1), 'unknown-node'],
    [pkt('alpha', 3, 3, 'delta'), 'not-for-us'],
    [encodePacket({ clusterId: CID, generation: 3, seq: 4, from: 'alpha', type: 'hb', body: {} }, { ...KEY, key: 'forged' }), 'bad-mac'],
    [new Uint8Array([0x50, 0x42, 1]), 'truncated'],
    [pkt('@witness', 1, 1), 'accept'],
    [pkt('alpha', 4, 1), 'accept'],
  ];
  let s: ReceiverState = newReceiverState();
  const got = frames.map(([f]) => {
    const r = receiveFrame(s, f, CTX);
    s = r.state;
    return r.verdict.kind === 'accept' ? 'accept' : r.verdict.cause;
  });
  assert.deepEqual(got, frames.map(([, w]) => w));
  assert.deepEqual(
    Object.entries(s.drops).filter(([, n]) => n > 0),
    [['truncated', 1], ['bad-mac', 1], ['unknown-node', 1], ['not-for-us', 1], ['own', 1], ['duplicate', 1], ['replay', 1]],
  );
  assert.deepEqual(s.peers['alpha'], { generation: 4, top: 1, seen: [1] });
});

test('receiveFrame reports a late copy as accepted out of order', () => {
  let s = newReceiverState();
  s = receiveFrame(s, pkt('alpha', 1, 5), CTX).state;
  s = receiveFrame(s, pkt('alpha', 1, 7), CTX).state;
  const v = receiveFrame(s, pkt('alpha', 1, 6), CTX).verdict;
  assert.deepEqual(v.kind === 'accept' && [v.packet.seq, v.inOrder], [6, false]);
});

test('a receiver seeded with the peers\' saved generations drops an older generation from the first packet on', () => {
  let s = newReceiverState({ alpha: 3 });
  const first = receiveFrame(s, pkt('alpha', 2, 500), CTX);
  assert.equal(first.verdict.kind === 'drop' && first.verdict.cause, 'replay');
  s = first.state;
  const same = receiveFrame(s, pkt('alpha', 3, 1), CTX);
  assert.equal(same.verdict.kind, 'accept');
  const next = receiveFrame(same.state, pkt('alpha', 4, 1), CTX);
  assert.deepEqual(peerGenerations(next.state), { alpha: 4 });
  assert.equal(receiveFrame(newReceiverState(), pkt('alpha', 1, 1), CTX).verdict.kind, 'accept', 'unseeded: the first packet is taken');
});
