import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLsn, parseLsn } from '../../../lib/pg/lsn.ts';
import type { HistoryEntry } from '../../../lib/pg/timeline-history.ts';
import { discardedSpans, endSearch, type ControlPoint, type WalSpan } from '../../../lib/postgresql/wal-ranges.ts';

const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));
const cp = (state: ControlPoint['state'], timeline = 1, redo = '0/2000028', checkpoint = '0/2000060'): ControlPoint =>
  ({ state, timeline, redoLsn: parseLsn(redo), checkpointLsn: parseLsn(checkpoint) });
const text = (spans: readonly WalSpan[]): string[] =>
  spans.map((s) => `${s.timeline}:${formatLsn(s.start)}..${s.end === undefined ? 'end' : formatLsn(s.end)}`);

test('endSearch: a primary shut down cleanly ends with its shutdown checkpoint, no pg_waldump needed', () => {
  assert.deepEqual(endSearch(cp('shut down'), new Map()), {
    by: 'checkpoint', timeline: 1, lastRecordLsn: parseLsn('0/2000060'), why: 'clean shutdown: the shutdown checkpoint is the last record',
  });
});

test('endSearch: a crashed primary is read with pg_waldump from the REDO point of its last checkpoint', () => {
  const s = endSearch(cp('in production'), new Map());
  assert.equal(s.by, 'waldump');
  assert.deepEqual(s.by === 'waldump' && text(s.probes), ['1:0/2000028..end']);
});

test('endSearch: newer timelines descending from ours come first, from where each began (pg_control lags a promotion)', () => {
  const histories = new Map([
    [2, h([1, '0/3000100'])],
    [3, h([1, '0/3000100'], [2, '0/5000000'])],
    [7, h([4, '0/9000000'])], // another lineage: not ours
  ]);
  const s = endSearch(cp('shut down in recovery'), histories);
  assert.deepEqual(s.by === 'waldump' && text(s.probes), ['3:0/5000000..end', '2:0/3000100..end', '1:0/2000028..end']);
  assert.deepEqual(s.by === 'waldump' && s.probes[0]!.history, histories.get(3));
});

test('endSearch: a newer timeline that began before our REDO point is read from the REDO point', () => {
  const s = endSearch(cp('in archive recovery', 1, '0/4000000', '0/4000060'), new Map([[2, h([1, '0/3000100'])]]));
  assert.deepEqual(s.by === 'waldump' && text(s.probes), ['2:0/4000000..end', '1:0/4000000..end']);
});

test('discardedSpans: one span on our own timeline from the fork to the end', () => {
  assert.deepEqual(text(discardedSpans({ timeline: 1, history: [] }, { timeline: 1, lsn: parseLsn('0/3000100') })), ['1:0/3000100..end']);
});

test('discardedSpans: one span per timeline from the fork through our later timelines', () => {
  const ours = { timeline: 3, history: h([1, '0/3000100'], [2, '0/5000000']) };
  assert.deepEqual(text(discardedSpans(ours, { timeline: 1, lsn: parseLsn('0/2800000') })), ['1:0/2800000..0/3000100', '2:0/3000100..0/5000000', '3:0/5000000..end']);
  assert.deepEqual(text(discardedSpans(ours, { timeline: 2, lsn: parseLsn('0/4000000') })), ['2:0/4000000..0/5000000', '3:0/5000000..end']);
  // A fork exactly where our timeline 2 ended: nothing of 2 is ours alone.
  assert.deepEqual(text(discardedSpans(ours, { timeline: 2, lsn: parseLsn('0/5000000') })), ['3:0/5000000..end']);
});

test('discardedSpans: a fork timeline outside our lineage reads our timeline from the fork position', () => {
  assert.deepEqual(text(discardedSpans({ timeline: 2, history: h([1, '0/3000100']) }, { timeline: 5, lsn: parseLsn('0/4000000') })), ['2:0/4000000..end']);
});
