import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn, walFileName } from '../../../lib/pg/lsn.ts';
import { replayTimeline, type ReplayFacts } from '../../../lib/pg/replay-timeline.ts';
import type { HistoryEntry } from '../../../lib/pg/timeline-history.ts';

const SEG = 16n * 1024n * 1024n;
const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));
const seg = (tli: number, lsn: string): string => walFileName(tli, parseLsn(lsn) - 1n, SEG);

// A standby that started on timeline 1 (restartpoint at 0/2000028), followed a promotion to 2 at
// 0/3000100 and a switch back to 3 at 0/4000200; its WAL receiver is gone (the primary stopped).
const base = (over: Partial<ReplayFacts> = {}): ReplayFacts => ({
  replayLsn: parseLsn('0/4000300'),
  receiverTimeline: undefined,
  checkpoint: { timeline: 1, lsn: parseLsn('0/2000028') },
  minRecovery: { timeline: 0, lsn: 0n },
  histories: new Map([[2, h([1, '0/3000100'])], [3, h([1, '0/3000100'], [2, '0/4000200'])]]),
  walFiles: new Set([seg(1, '0/2000100'), seg(2, '0/3000200'), seg(3, '0/4000300'), '00000002.history', '00000003.history']),
  segmentSize: SEG,
  ...over,
});

test('replayTimeline() (table): the timeline of what was replayed, not of the last restartpoint', () => {
  const cases: [string, ReplayFacts, number, RegExp][] = [
    ['a running WAL receiver tells', base({ receiverTimeline: 3, histories: new Map(), walFiles: new Set() }), 3, /WAL receiver streams timeline 3/],
    ['no receiver: the newest followed timeline with WAL at the replay position', base(), 3, /last restartpoint on timeline 1 at 0\/2000028, then timeline 3/],
    ['replay not yet past the switch to 3: still on 2', base({ replayLsn: parseLsn('0/4000100') , walFiles: new Set([seg(2, '0/4000100'), seg(3, '0/4000100')]) }), 2, /then timeline 2/],
    ['a fresh standby with no history files: the restartpoint\'s timeline', base({ histories: new Map(), walFiles: new Set([seg(1, '0/4000300')]) }), 1, /no newer timeline with WAL at the replay position/],
    ['the minimum recovery point raises the floor', base({ minRecovery: { timeline: 2, lsn: parseLsn('0/3800000') } }), 3, /minimum recovery point on timeline 2 at 0\/3800000, then timeline 3/],
    ['a history file of a timeline it cannot follow (it forked before our replay position, no WAL of it here) is ignored',
      base({ checkpoint: { timeline: 2, lsn: parseLsn('0/3000200') }, replayLsn: parseLsn('0/5000000'),
        histories: new Map([[3, h([1, '0/3000100'], [2, '0/4000200'])]]), walFiles: new Set([seg(2, '0/5000000'), '00000003.history']) }), 2, /no newer timeline/],
    ['a timeline that forked from ours before the floor is not ours', base({ minRecovery: { timeline: 2, lsn: parseLsn('0/4800000') }, replayLsn: parseLsn('0/4900000'), walFiles: new Set([seg(3, '0/4900000')]) }), 2, /minimum recovery point on timeline 2/],
    ['a receiver that reports timeline 0 (not started) is no answer', base({ receiverTimeline: 0 }), 3, /then timeline 3/],
  ];
  for (const [name, facts, want, how] of cases) {
    const got = replayTimeline(facts);
    assert.equal(got.timeline, want, name);
    assert.match(got.how, how, name);
  }
});
