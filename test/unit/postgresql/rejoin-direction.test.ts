import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import type { HistoryEntry } from '../../../lib/pg/timeline-history.ts';
import { rejoinDirection, type SideSnapshot } from '../../../lib/postgresql/rejoin-direction.ts';

const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));
const SYS = '7441234567890123456';
const side = (name: string, timeline: number, history: HistoryEntry[], o: Partial<SideSnapshot> = {}): SideSnapshot => ({
  name, systemId: SYS, timeline, history, lsn: parseLsn('0/6000000'), wasPrimary: true, ...o,
});

// a wrote on timeline 1, b was promoted to 2 at 0/3000100, and so on.
const TL2 = h([1, '0/3000100']);
const TL3 = h([1, '0/3000100'], [2, '0/4000200']);
const TL4 = h([1, '0/3000100'], [2, '0/4000200'], [3, '0/5000000']);

test('rejoinDirection() (table): only a node whose timeline the other side descends from follows it', () => {
  const cases: [string, SideSnapshot, SideSnapshot, boolean, RegExp][] = [
    ['the stale old primary follows the newer one', side('a', 1, []), side('b', 2, TL2), true, /b's timeline 2 descends from our timeline 1 \(forked at 0\/3000100\)/],
    ['a standby two promotions behind follows', side('a', 2, TL2, { wasPrimary: false }), side('b', 4, TL4), true, /timeline 4 descends from our timeline 2/],
    ['the newer primary never follows the stale one', side('b', 2, TL2), side('a', 1, []), false,
      /^b \(primary\) is on timeline 2 at 0\/6000000, newer than a's timeline 1: a is stale .* discard writes acknowledged on timeline 2: b keeps its data and does not follow a; a is the side to rejoin/],
    ['a standby on a newer timeline does not follow a stale primary either', side('c', 3, TL3, { wasPrimary: false }), side('a', 2, TL2), false, /c \(standby\) is on timeline 3 .* newer than a's timeline 2/],
    ['same timeline, same history: a standby of it follows', side('a', 2, TL2, { wasPrimary: false }), side('b', 2, TL2), true, /both are on timeline 2/],
    ['same timeline number, another history: a collision, keep', side('a', 2, h([1, '0/3000200'])), side('b', 2, TL2), false, /with another history \(two promotions chose the same timeline number\)/],
    ['two primaries on one timeline with the same history: promoted apart, keep', side('a', 2, TL2), side('b', 2, TL2), false, /b is a primary on the same timeline/],
    ['our timeline is not in their history (promoted apart)', side('a', 3, h([1, '0/3000100'], [2, '0/4000300'])), side('b', 4, h([1, '0/3000100'], [2, '0/4000200'], [3, '0/5000000'])), false, /not in the history of b's timeline 4/],
    ['their history names our timeline, but our past differs from theirs', side('a', 2, h([1, '0/3000200'])), side('b', 3, TL3), false, /not in the history of b's timeline 3/],
    ['timeline 5 skipped numbers: still descends', side('a', 3, TL3), side('b', 7, h([1, '0/3000100'], [2, '0/4000200'], [3, '0/5500000'], [6, '0/5600000'])), true, /timeline 7 descends from our timeline 3 \(forked at 0\/5500000\)/],
    ['another database cluster', side('a', 1, []), side('b', 2, TL2, { systemId: '7000000000000000001' }), false, /runs another database cluster/],
  ];
  for (const [name, ours, theirs, rejoin, reason] of cases) {
    const got = rejoinDirection(ours, theirs);
    assert.equal(got.rejoin, rejoin, name);
    assert.match(got.reason, reason, name);
  }
});
