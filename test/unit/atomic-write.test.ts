// The build writes its outputs by rename: whoever holds the old file (a daemon with the native
// binding mapped, an agent starting) keeps reading it whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from '../../scripts/lib/atomic-write.mjs';

test('writeAtomically replaces the file by rename: an open descriptor still reads the old bytes whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-atomic-'));
  try {
    const path = join(dir, 'binding.node');
    const old = Buffer.alloc(64 * 1024, 1);
    writeFileSync(path, old);
    const before = statSync(path).ino;
    const fd = openSync(path, 'r');
    try {
      writeAtomically(path, Buffer.alloc(100, 2), 0o755);
      const buf = Buffer.alloc(old.length);
      assert.equal(readSync(fd, buf, 0, buf.length, 0), old.length, 'the old file was not truncated under its reader');
      assert.ok(buf.equals(old));
    } finally {
      closeSync(fd);
    }
    assert.notEqual(statSync(path).ino, before, 'a new inode');
    assert.deepEqual(readFileSync(path), Buffer.alloc(100, 2));
    assert.equal(statSync(path).mode & 0o777, 0o755);
    assert.deepEqual(readdirSync(dir), ['binding.node'], 'no temporary file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the build writes every output through writeAtomically, none in place', () => {
  const src = readFileSync(new URL('../../scripts/build.mjs', import.meta.url), 'utf8');
  assert.match(src, /import \{ writeAtomically \} from '\.\/lib\/atomic-write\.mjs'/);
  assert.doesNotMatch(src, /writeFileSync\(/, 'no writeFileSync left in scripts/build.mjs');
});
