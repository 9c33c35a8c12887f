import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthKey } from '../../../../lib/manager/config/cluster-config.ts';
import { clusterIdOf, encodePacket } from '../../../../lib/manager/wire/packet.ts';
import { newReceiverState, peerGenerations, receiveFrame, savedPeers, type ReceiverState } from '../../../../lib/manager/wire/receive.ts';

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

test('a receiver seeded with the peers\' saved generation and highest seq drops that generation\'s packets up to it: a replay after our restart', () => {
  const cases: [string, Uint8Array, string][] = [
    ['the saved top itself', pkt('alpha', 3, 40), 'replay'],
    ['an older seq of that generation, inside what a window would take as late', pkt('alpha', 3, 39), 'replay'],
    ['an older generation', pkt('alpha', 2, 900), 'replay'],
    ['the next seq of that generation (the peer still runs)', pkt('alpha', 3, 41), 'accept'],
    ['a newer generation (the peer restarted)', pkt('alpha', 4, 1), 'accept'],
  ];
  for (const [name, frame, want] of cases) {
    const v = receiveFrame(newReceiverState({ alpha: { generation: 3, top: 40 } }), frame, CTX).verdict;
    assert.equal(v.kind === 'accept' ? 'accept' : v.cause, want, name);
  }
  // After the next seq is taken, the restored floor still holds below it; late copies above it are taken.
  let s = newReceiverState({ alpha: { generation: 3, top: 40 } });
  s = receiveFrame(s, pkt('alpha', 3, 45), CTX).state;
  assert.equal((({ verdict: v }) => (v.kind === 'accept' ? 'accept' : v.cause))(receiveFrame(s, pkt('alpha', 3, 38), CTX)), 'replay');
  assert.equal(receiveFrame(s, pkt('alpha', 3, 43), CTX).verdict.kind, 'accept');
  assert.deepEqual(savedPeers(s), { alpha: { generation: 3, top: 45 } });
});

test('a byte-for-byte copy of a frame accepted lately is a duplicate without a second check; a changed byte or a newer generation is not', () => {
  const first = pkt('alpha', 3, 7);
  let s = receiveFrame(newReceiverState(), first, CTX).state;
  // The copy from another medium: the packet it carries, as the replay window would tell it.
  const copy = receiveFrame(s, Uint8Array.from(first), CTX);
  assert.equal(copy.verdict.kind, 'drop');
  assert.equal(copy.verdict.kind === 'drop' && copy.verdict.cause, 'duplicate');
  assert.equal(copy.verdict.kind === 'drop' && copy.verdict.packet?.seq, 7);
  assert.equal(copy.state.drops.duplicate, 1);
  // One byte of the body changed: no longer a copy, and its authenticator fails.
  const tampered = Uint8Array.from(first);
  tampered[tampered.length - 40]! ^= 1;
  const t = receiveFrame(s, tampered, CTX);
  assert.equal(t.verdict.kind === 'drop' && t.verdict.cause, 'bad-mac');
  // alpha restarted (generation 4): the old frame is a replay now, not a copy.
  s = receiveFrame(s, pkt('alpha', 4, 1), CTX).state;
  const old = receiveFrame(s, first, CTX);
  assert.equal(old.verdict.kind === 'drop' && old.verdict.cause, 'replay');
});
