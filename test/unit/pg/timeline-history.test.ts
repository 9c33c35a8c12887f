import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLsn, parseLsn } from '../../../lib/pg/lsn.ts';
import { findDivergence, parseTimelineHistory, type HistoryEntry } from '../../../lib/pg/timeline-history.ts';
import { captured, fixture } from './fixture.ts';

const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));

test('parseTimelineHistory() reads the history file a promotion wrote', () => {
  const entries = parseTimelineHistory(fixture('00000002.history'));
  assert.deepEqual(entries, [{ parentTimeline: 1, switchLsn: parseLsn(captured().forkLsn), reason: 'no recovery target specified' }]);
});

test('parseTimelineHistory() reads several lines, comments and blank lines', () => {
  const text = '1\t0/3000000\tno recovery target specified\n\n# comment\n2\t0/5000A28\tbefore 2026-01-01 00:00:00+00\n4\t1/0\tat restore point "x"\n';
  assert.deepEqual(
    parseTimelineHistory(text).map((e) => [e.parentTimeline, formatLsn(e.switchLsn), e.reason]),
    [[1, '0/3000000', 'no recovery target specified'], [2, '0/5000A28', 'before 2026-01-01 00:00:00+00'], [4, '1/0', 'at restore point "x"']],
  );
  assert.deepEqual(parseTimelineHistory(''), []);
});

test('parseTimelineHistory() names file and line of a bad entry', () => {
  const cases: [string, RegExp][] = [
    ['1\tnot-an-lsn\tx', /00000002\.history:1: expected '<timeline> <switch LSN> <reason>'/],
    ['1\t0/3000000\tx\nx\t0/1\ty', /:2: expected/],
    ['2\t0/3000000\tx\n1\t0/4000000\ty', /:2: timelines and switch points must increase/],
    ['1\t0/5000000\tx\n2\t0/4000000\ty', /:2: timelines and switch points must increase/],
  ];
  for (const [text, want] of cases) assert.throws(() => parseTimelineHistory(text, '00000002.history'), (e: Error) => e instanceof SyntaxError && want.test(e.message), text);
});

test('findDivergence() on the captured old primary: its shutdown checkpoint lies after the fork', () => {
  const c = captured();
  const got = findDivergence(
    { timeline: 1, history: [], lastRecordLsn: parseLsn(c.oldPrimaryCheckpoint) },
    { timeline: 2, history: parseTimelineHistory(fixture('00000002.history')) },
  );
  assert.equal(got.diverged, true);
  assert.equal(got.forkTimeline, 1);
  assert.equal(got.forkLsn, parseLsn(c.forkLsn));
  assert.equal(got.reason, `timeline 2 forked from our timeline 1 at ${c.forkLsn} and our last record is at ${c.oldPrimaryCheckpoint}: we wrote WAL after the fork`);
});

test('findDivergence() (table): behind, exactly at the fork, after it, other branches', () => {
  const theirs2 = { timeline: 2, history: h([1, '0/3000100']) };
  const theirs3 = { timeline: 3, history: h([1, '0/3000100'], [2, '0/5000000']) };
  const cases: [string, Parameters<typeof findDivergence>[0], Parameters<typeof findDivergence>[1], boolean, string | undefined, RegExp][] = [
    // A clean shutdown whose checkpoint reached the standby: the switch point is the end of that record.
    ['shutdown checkpoint received', { timeline: 1, history: [], lastRecordLsn: parseLsn('0/3000088') }, theirs2, false, '0/3000100', /behind the fork and can follow/],
    ['last record starts at the switch point', { timeline: 1, history: [], lastRecordLsn: parseLsn('0/3000100') }, theirs2, true, '0/3000100', /after the fork/],
    ['same timeline', { timeline: 2, history: h([1, '0/3000100']), lastRecordLsn: parseLsn('0/9000000') }, theirs2, false, undefined, /both are on timeline 2/],
    ['we are on 2, they on 3 forked later', { timeline: 2, history: h([1, '0/3000100']), lastRecordLsn: parseLsn('0/4000000') }, theirs3, false, '0/5000000', /can follow/],
    ['we are on 2 beyond their fork of 3', { timeline: 2, history: h([1, '0/3000100']), lastRecordLsn: parseLsn('0/5000000') }, theirs3, true, '0/5000000', /after the fork/],
    ['sibling branches: 2 and 3 both from 1', { timeline: 2, history: h([1, '0/3000100']), lastRecordLsn: parseLsn('0/3000200') }, { timeline: 3, history: h([1, '0/3000080']) }, true, '0/3000080', /not in the history of timeline 3; the lineages part on timeline 1 at 0\/3000080/],
    ['we are newer than them', { timeline: 3, history: h([1, '0/3000100'], [2, '0/5000000']), lastRecordLsn: parseLsn('0/6000000') }, theirs2, true, '0/5000000', /not in the history of timeline 2/],
    ['nothing shared', { timeline: 5, history: [], lastRecordLsn: 1n }, theirs2, true, undefined, /shares no timeline/],
  ];
  for (const [name, ours, theirs, diverged, fork, reason] of cases) {
    const got = findDivergence(ours, theirs);
    assert.equal(got.diverged, diverged, name);
    assert.equal(got.forkLsn === undefined ? undefined : formatLsn(got.forkLsn), fork, name);
    assert.match(got.reason, reason, name);
  }
});
