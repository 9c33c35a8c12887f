// The peers' windows are saved at once when a generation changes, their highest seqs at most every interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveDue } from '../../../../lib/manager/wire/saved-peers.ts';
import { savedPeersKeeper } from '../../../../lib/manager/wire/io/saved-peers-keeper.ts';
import type { SavedPeer } from '../../../../lib/manager/wire/receive.ts';

const A = (generation: number, top: number): Record<string, SavedPeer> => ({ alpha: { generation, top } });

test('saveDue: a new peer or generation at once, a moved seq after the interval, nothing new never', () => {
  const cases: [string, Record<string, SavedPeer>, Record<string, SavedPeer>, number, boolean][] = [
    ['nothing saved yet, a peer heard', {}, A(3, 1), 0, true],
    ['the peer restarted (newer generation)', A(3, 50), A(4, 1), 10, true],
    ['the seq moved, interval not over', A(3, 50), A(3, 60), 999, false],
    ['the seq moved, interval over', A(3, 50), A(3, 60), 1000, true],
    ['nothing moved, interval over', A(3, 50), A(3, 50), 5000, false],
    ['a second peer (the witness) appears', A(3, 50), { ...A(3, 50), '@witness': { generation: 1, top: 1 } }, 0, true],
  ];
  for (const [name, saved, current, sinceSave, want] of cases) assert.equal(saveDue(saved, current, 0, sinceSave, 1000), want, name);
});

test('the keeper saves by saveDue, one write at a time, and flush() saves the newest', async () => {
  const writes: Record<string, SavedPeer>[] = [];
  let t = 0;
  const k = savedPeersKeeper({ load: async () => undefined, save: async (v) => { writes.push(v); } }, {}, 1000, () => t, () => undefined);
  k.note(A(3, 1));
  await k.flush();
  t = 100; k.note(A(3, 2));
  t = 200; k.note(A(3, 5));
  assert.equal(writes.length, 1, 'the seq alone waits for the interval');
  t = 1200; k.note(A(3, 9));
  await k.flush();
  t = 1300; k.note(A(3, 12));
  await k.flush();
  assert.deepEqual(writes, [A(3, 1), A(3, 9), A(3, 12)], 'flush() saves what moved since');
});
