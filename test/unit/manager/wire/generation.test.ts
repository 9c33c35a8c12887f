import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextGeneration, parseGeneration } from '../../../../lib/manager/wire/generation.ts';
import { startGeneration } from '../../../../lib/manager/wire/io/generation-file.ts';
import { peerGenerationsStore } from '../../../../lib/manager/wire/io/peer-generations-file.ts';
import type { Store } from '../../../../lib/manager/ports.ts';

const parses: [string, number | undefined][] = [['7\n', 7], ['0', 0], ['4294967295', 4_294_967_295], ['4294967296', undefined], ['-1', undefined], ['x', undefined], ['', undefined]];
for (const [text, want] of parses) {
  test(`parseGeneration(${JSON.stringify(text)}) is ${want}`, () => assert.equal(parseGeneration(text), want));
}

const memory = (v: number | undefined): Store<number> & { saved: number[] } => {
  const saved: number[] = [];
  return { saved, load: async () => v, save: async (n) => { saved.push(n); } };
};

test('nextGeneration raises the stored value and saves it before returning', async () => {
  const s = memory(41);
  assert.equal(await nextGeneration(s, 1_700_000_000), 42);
  assert.deepEqual(s.saved, [42]);
});

test('nextGeneration starts from the fallback when nothing is stored, and refuses to wrap', async () => {
  assert.equal(await nextGeneration(memory(undefined), 1_700_000_000), 1_700_000_000);
  await assert.rejects(nextGeneration(memory(0xffffffff), 1), RangeError);
});

test('startGeneration keeps the generation in a file across runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-gen-'));
  try {
    const path = join(dir, 'sub', 'generation');
    const first = await startGeneration(path);
    assert.ok(first > 1_600_000_000);
    assert.equal(await startGeneration(path), first + 1);
    assert.equal(readFileSync(path, 'utf8'), `${first + 1}\n`);
    writeFileSync(path, '9\n');
    assert.equal(await startGeneration(path), 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('peerGenerationsStore keeps the peers\' generations and highest seqs and loads garbage as nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-peers-'));
  try {
    const path = join(dir, 'peer-generations');
    const store = peerGenerationsStore(path);
    assert.equal(await store.load(), undefined);
    await store.save({ alpha: { generation: 7, top: 1234 } });
    assert.deepEqual(await store.load(), { alpha: { generation: 7, top: 1234 } });
    writeFileSync(path, 'not json');
    assert.equal(await store.load(), undefined);
    writeFileSync(path, '{"alpha": -1, "beta": 5, "gamma": {"generation": 3, "top": 9}, "delta": {"generation": 3, "top": "x"}}');
    assert.deepEqual(await store.load(), { beta: { generation: 5, top: -1 }, gamma: { generation: 3, top: 9 } }, 'a bare generation (older file) has no seq known');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
