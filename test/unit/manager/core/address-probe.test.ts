import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressProbeNeeded, peerKnownDown } from '../../../../lib/manager/core/address-probe.ts';
import type { CoreState } from '../../../../lib/manager/core/core-state.ts';

type S = Parameters<typeof addressProbeNeeded>[0];
const peer = (dead: boolean): CoreState['peer'] => ({ dead, lastHeard: dead ? 0 : 100, links: {} } as unknown as CoreState['peer']);
const hb = (holding: boolean): CoreState['peerHb'] => ({ holding } as unknown as CoreState['peerHb']);

const cases: { name: string; s: S; probe: boolean }[] = [
  { name: 'peer dead (its lease ended before ours began)', s: { peer: peer(true), peerHb: hb(true), fencedPeerAt: null }, probe: false },
  { name: 'peer fenced', s: { peer: peer(false), peerHb: hb(true), fencedPeerAt: 5 }, probe: false },
  { name: 'peer alive and says it holds nothing (it released)', s: { peer: peer(false), peerHb: hb(false), fencedPeerAt: null }, probe: false },
  { name: 'peer alive and says it holds the service', s: { peer: peer(false), peerHb: hb(true), fencedPeerAt: null }, probe: true },
  { name: 'peer never heard, not declared dead', s: { peer: peer(false), peerHb: null, fencedPeerAt: null }, probe: true },
];
for (const c of cases) {
  test(`addressProbeNeeded: ${c.name} -> ${c.probe}`, () => assert.equal(addressProbeNeeded(c.s), c.probe));
}

test('peerKnownDown: dead or fenced, not merely released', () => {
  assert.equal(peerKnownDown({ peer: peer(true), fencedPeerAt: null }), true);
  assert.equal(peerKnownDown({ peer: peer(false), fencedPeerAt: 3 }), true);
  assert.equal(peerKnownDown({ peer: peer(false), fencedPeerAt: null }), false);
});
