import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOcfBooleanWord, isOcfTrue } from '../../../lib/ocf/boolean.ts';

const cases: { value: string; isTrue: boolean; isWord: boolean }[] = [
  ...['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON'].map((value) => ({ value, isTrue: true, isWord: true })),
  ...['no', 'false', '0', 'NO', 'FALSE', 'False', 'nein', 'off', 'OFF'].map((value) => ({ value, isTrue: false, isWord: true })),
  // ocf_is_true treats every other spelling as false: these are neither true nor accepted words.
  ...['Yes', 'On', 'y', 'Y', 'oN', '', ' yes', 'yes ', '01', 'Ja'].map((value) => ({ value, isTrue: false, isWord: false })),
];

for (const c of cases) {
  test(`isOcfTrue(${JSON.stringify(c.value)}) is ${c.isTrue}; a boolean word: ${c.isWord}`, () => {
    assert.equal(isOcfTrue(c.value), c.isTrue);
    assert.equal(isOcfBooleanWord(c.value), c.isWord);
  });
}

test('isOcfTrue(undefined) is false', () => {
  assert.equal(isOcfTrue(undefined), false);
});
