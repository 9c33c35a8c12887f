import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteValue } from '../../../lib/ocf/quote.ts';

const cases: [string, string, number | undefined, string][] = [
  ['a short value', 'fast', undefined, "'fast'"],
  ['an empty value', '', undefined, "''"],
  ['a newline stays on one line', 'a\nb', undefined, "'a\\nb'"],
  ['a tab and a control character', 'a\tb\x01', undefined, "'a\\tb\\x01'"],
  ['exactly the limit', 'abcde', 5, "'abcde'"],
  ['one past the limit is cut and counted', 'abcdef', 5, "'abcde...' (6 characters)"],
  ['a long paste', 'x'.repeat(1000), undefined, `'${'x'.repeat(80)}...' (1000 characters)`],
  ['characters, not bytes', 'ééé', 2, "'éé...' (3 characters)"],
];

test('quoteValue() quotes on one line at a bounded length (table)', () => {
  for (const [name, value, max, want] of cases) assert.equal(quoteValue(value, max), want, name);
});
