import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPLAY_WINDOW, checkReplay, type PeerWindow } from '../../../../lib/manager/wire/replay-window.ts';

/** Feeds (generation, seq) pairs in order and returns the outcomes. */
const run = (pairs: [number, number][]): string[] => {
  let w: PeerWindow | undefined;
  return pairs.map(([g, s]) => {
    const r = checkReplay(w, g, s);
    w = r.window;
    return r.outcome;
  });
};

const cases: [string, [number, number][], string[]][] = [
  ['in order', [[1, 1], [1, 2], [1, 3]], ['new', 'new', 'new']],
  ['a copy on a second medium', [[1, 1], [1, 1], [1, 2], [1, 2]], ['new', 'duplicate', 'new', 'duplicate']],
  ['a copy arriving after a newer packet', [[1, 5], [1, 6], [1, 5]], ['new', 'new', 'duplicate']],
  ['a lost packet arriving late on a slow medium', [[1, 5], [1, 7], [1, 6], [1, 6]], ['new', 'new', 'late', 'duplicate']],
  ['a gap then continuing', [[1, 1], [1, 50], [1, 51]], ['new', 'new', 'new']],
  ['an older generation', [[5, 100], [4, 1000]], ['new', 'replay']],
  ['a restart (newer generation) with its seq starting over', [[5, 100], [6, 1], [6, 2], [5, 101]], ['new', 'new', 'new', 'replay']],
  ['a seq older than the window', [[1, 1000], [1, 1000 - REPLAY_WINDOW]], ['new', 'replay']],
  ['the oldest seq inside the window', [[1, 1000], [1, 1001 - REPLAY_WINDOW]], ['new', 'late']],
  ['the first packet from a peer is taken whatever its numbers', [[9, 77]], ['new']],
];
for (const [why, pairs, want] of cases) {
  test(`checkReplay: ${why}`, () => {
    assert.deepEqual(run(pairs), want);
  });
}

test('checkReplay keeps the window bounded', () => {
  let w: PeerWindow | undefined;
  for (let s = 1; s <= 10_000; s++) w = checkReplay(w, 1, s).window;
  assert.ok(w!.seen.length <= REPLAY_WINDOW);
  assert.equal(w!.top, 10_000);
});
