import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHbTime } from '../../../../lib/manager/config/time-value.ts';

const cases: [string, number | undefined][] = [
  ['2', 2000], ['1.5', 1500], ['0.1', 100], ['.5', 500], ['30', 30_000],
  ['500ms', 500], ['500msec', 500], ['1500us', 2], ['1499usec', 1], ['0ms', 0], ['2.', 2000],
  ['2s', undefined], ['2sec', undefined], ['1m', undefined], ['ms', undefined], ['', undefined],
  ['-1', undefined], ['500 ms', undefined], ['1e3', undefined], ['500MS', undefined],
];
for (const [text, want] of cases) {
  test(`parseHbTime(${JSON.stringify(text)}) is ${want}`, () => {
    assert.equal(parseHbTime(text), want);
  });
}
