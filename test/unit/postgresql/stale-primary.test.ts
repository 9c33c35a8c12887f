import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import type { HistoryEntry } from '../../../lib/pg/timeline-history.ts';
import type { SideSnapshot } from '../../../lib/postgresql/rejoin-direction.ts';
import { stalePrimary } from '../../../lib/postgresql/stale-primary.ts';

const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));
const SYS = '7441234567890123456';
const side = (name: string, timeline: number, history: HistoryEntry[], o: Partial<SideSnapshot> = {}): SideSnapshot => ({
  name, systemId: SYS, timeline, history, lsn: parseLsn('0/6000000'), wasPrimary: false, ...o,
});
const TL2 = h([1, '0/3000100']);
const TL3 = h([1, '0/3000100'], [2, '0/4000200']);
// The primary: timeline 2, promoted from 1 at 0/3000100.
const us = side('a', 2, TL2, { wasPrimary: true });

test('stalePrimary() (table): only a peer on a newer timeline that descends from ours makes the primary stale', () => {
  const cases: [string, SideSnapshot[], string[] | undefined, RegExp | undefined][] = [
    ['no peer answered', [], undefined, undefined],
    ['a standby on our timeline (not streaming yet)', [side('b', 2, TL2)], undefined, undefined],
    ['a standby on an older timeline (a stale former primary, to be rewound)', [side('b', 1, [])], undefined, undefined],
    ['a standby promoted after us during a partition, demoted since: we are stale', [side('b', 3, TL3)], ['b'],
      /^this primary \(a, timeline 2\) is stale: b's timeline 3 descends from our timeline 2 \(forked at 0\/4000200\); b was promoted after us .* rejoined/],
    ['a primary promoted after us (the heal has both running)', [side('b', 3, TL3, { wasPrimary: true })], ['b'], /b's timeline 3 descends/],
    ['a newer timeline promoted apart from ours (not in its history): no proof', [side('b', 3, h([1, '0/3000200'], [2, '0/4000200']))], undefined, undefined],
    ['another database cluster on a newer timeline: no proof', [side('b', 3, TL3, { systemId: '7000000000000000001' })], undefined, undefined],
    ['two peers, one newer', [side('b', 1, []), side('c', 3, TL3)], ['c'], /c's timeline 3/],
  ];
  for (const [name, peers, newer, reason] of cases) {
    const got = stalePrimary(us, peers);
    assert.deepEqual(got?.newer, newer, name);
    if (reason) assert.match(got!.reason, reason, name);
  }
});
