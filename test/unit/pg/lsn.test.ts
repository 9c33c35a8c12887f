import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareLsn, formatBytes, formatLsn, historyFileName, isLsnText, lsnDiff, maxLsn, parseLsn, parseWalFileName, walFileName,
} from '../../../lib/pg/lsn.ts';

test('parseLsn() reads both halves as hex, padded or not', () => {
  const cases: [string, bigint][] = [
    ['0/0', 0n],
    ['0/3028708', 0x3028708n],
    ['0/03028708', 0x3028708n],
    ['1/0', 0x100000000n],
    ['16/B374D848', 0x16b374d848n],
    ['FFFFFFFF/FFFFFFFF', 0xffffffffffffffffn],
    [' 0/1a ', 0x1an],
  ];
  for (const [text, want] of cases) assert.equal(parseLsn(text), want, text);
});

test('parseLsn() rejects text that is not X/Y hex, naming the value', () => {
  for (const bad of ['', '0', '0/', '/1', '0/G', '123456789/0', '0/1/2', '-1/0']) {
    assert.throws(() => parseLsn(bad), (e: Error) => e instanceof SyntaxError && e.message.includes(`'${bad}'`), bad);
  }
  assert.equal(isLsnText('0/3000000'), true);
  assert.equal(isLsnText('0/30000000x'), false);
});

test('formatLsn() prints like PostgreSQL (uppercase, unpadded) and round-trips', () => {
  assert.equal(formatLsn(0x3028708n), '0/3028708');
  assert.equal(formatLsn(0x16b374d848n), '16/B374D848');
  assert.equal(formatLsn(0n), '0/0');
  for (const t of ['0/0', '0/3028708', '1/0', 'FFFFFFFF/FFFFFFFF']) assert.equal(formatLsn(parseLsn(t)), t);
  assert.throws(() => formatLsn(-1n), RangeError);
});

test('lsnDiff() counts bytes across the 4 GiB boundary, negative when behind', () => {
  assert.equal(lsnDiff(parseLsn('1/0'), parseLsn('0/FFFFFFFF')), 1n);
  assert.equal(lsnDiff(parseLsn('0/3000000'), parseLsn('0/3028708')), -0x28708n);
  assert.equal(compareLsn(parseLsn('1/0'), parseLsn('0/FFFFFFFF')), 1);
  assert.equal(compareLsn(5n, 5n), 0);
  assert.equal(maxLsn(undefined, 3n, 7n, undefined, 5n), 7n);
  assert.equal(maxLsn(), undefined);
});

test('walFileName() and parseWalFileName() agree with PostgreSQL segment names', () => {
  assert.equal(walFileName(1, parseLsn('0/3028708')), '000000010000000000000003');
  assert.equal(walFileName(2, parseLsn('0/3000000')), '000000020000000000000003');
  assert.equal(walFileName(1, parseLsn('1/0')), '000000010000000100000000');
  assert.equal(walFileName(0x1a, parseLsn('2/FF000000')), '0000001A00000002000000FF');
  assert.equal(walFileName(1, parseLsn('0/2000000'), 1024n * 1024n), '000000010000000000000020');
  assert.deepEqual(parseWalFileName('000000020000000100000003'), { timeline: 2, start: parseLsn('1/3000000') });
  assert.throws(() => parseWalFileName('00000002.history'), SyntaxError);
  assert.equal(historyFileName(2), '00000002.history');
  assert.equal(historyFileName(26), '0000001A.history');
});

test('formatBytes() picks a binary unit', () => {
  assert.equal(formatBytes(0n), '0 B');
  assert.equal(formatBytes(1023n), '1023 B');
  assert.equal(formatBytes(16n * 1024n * 1024n), '16.0 MiB');
  assert.equal(formatBytes(-2048n), '-2.0 KiB');
});
