import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authkeysModeProblem, parseAuthkeys } from '../../../../lib/manager/config/authkeys.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';

const msgs = (text: string): string[] => parseAuthkeys(text, 'authkeys').problems.map(formatProblem);

test('parseAuthkeys reads the active key and keeps every key for verification', () => {
  const r = parseAuthkeys('# keys\nauth 2\n1 sha1 old-secret\n2 sha256 new-secret\n3 md5 m\n', 'authkeys');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.auth, {
    index: 2, method: 'sha256', key: 'new-secret',
    keys: [{ index: 1, method: 'sha1', key: 'old-secret' }, { index: 2, method: 'sha256', key: 'new-secret' }, { index: 3, method: 'md5', key: 'm' }],
  });
});

test('parseAuthkeys accepts crc without a key, with a notice that it is no authentication', () => {
  const r = parseAuthkeys('auth 0\n0 crc\n', 'authkeys');
  assert.equal(r.auth?.method, 'crc');
  assert.deepEqual(r.problems.map(formatProblem), ['authkeys:1: notice: auth uses crc, a checksum: anyone on the heartbeat links can forge packets; use sha256']);
});

const bad: [string, string, string[]][] = [
  ['no auth line', '1 sha256 k\n', ['authkeys: missing auth directive: add "auth N" naming the key that signs (e.g. auth 1 with "1 sha256 <secret>")']],
  ['auth naming a missing key', 'auth 3\n1 sha256 k\n', ['authkeys:1: auth 3: no key 3 is listed']],
  ['an index above 15', 'auth 1\n1 sha256 k\n16 sha1 x\n', ['authkeys:3: expected "auth N" or "N method key" with N 0-15, got "16"']],
  ['an unknown method', 'auth 1\n1 sha512 k\n', ['authkeys:2: key 1: method "sha512" is not one of sha256, sha1, md5, crc', 'authkeys:1: auth 1: no key 1 is listed']],
  ['crc with a key', 'auth 1\n1 crc k\n', ['authkeys:2: key 1: crc does not use a key (heartbeat refuses one)', 'authkeys:1: auth 1: no key 1 is listed']],
  ['sha1 without a key', 'auth 1\n1 sha1\n', ['authkeys:2: key 1: sha1 needs a key', 'authkeys:1: auth 1: no key 1 is listed']],
  ['a key given twice', 'auth 1\n1 sha1 a\n1 md5 b\n', ['authkeys:3: key 1 is given twice (first at line 2)']],
  ['a bad auth index', 'auth x\n', ['authkeys:1: auth takes one key index 0-15, got "x"', 'authkeys: missing auth directive: add "auth N" naming the key that signs (e.g. auth 1 with "1 sha256 <secret>")']],
];
for (const [why, text, want] of bad) {
  test(`parseAuthkeys reports ${why} with its line`, () => {
    assert.deepEqual(msgs(text), want);
  });
}

test('parseAuthkeys cuts a key at the first blank, as heartbeat does, with a notice', () => {
  const r = parseAuthkeys('auth 1\n1 sha256 two words\n', 'authkeys');
  assert.equal(r.auth?.key, 'two');
  assert.deepEqual(r.problems.map(formatProblem), ['authkeys:2: notice: key 1: the key is cut at the first blank, as heartbeat reads it']);
});

test('no problem message shows a key', () => {
  const all = msgs('auth 1\n1 sha256 SECRETKEY extra\n2 crc SECRETKEY\n1 md5 SECRETKEY\n').join('\n');
  assert.doesNotMatch(all, /SECRETKEY/);
});

const modes: [number, boolean][] = [[0o600, false], [0o400, false], [0o700, false], [0o200, false], [0o644, true], [0o640, true], [0o604, true], [0o100600, false], [0o100644, true]];
for (const [mode, refused] of modes) {
  test(`authkeysModeProblem ${refused ? 'refuses' : 'accepts'} mode ${mode.toString(8)}`, () => {
    assert.equal(authkeysModeProblem(mode) !== undefined, refused);
  });
}
