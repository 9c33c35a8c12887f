// watchProcess: a held /proc/<pid>/stat tells life, a zombie and a reaped process apart, with real
// processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { processAlive, watchProcess } from '../../../lib/pg/io/postmaster.ts';

const until = async (ok: () => boolean, ms = 3_000): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (ok()) return true;
  return ok();
};

test('a watched process is alive until it is killed and reaped', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const w = watchProcess(child.pid!);
  assert.ok(w, 'a live process can be watched');
  try {
    assert.equal(w.alive(), true);
    assert.equal(w.alive(), true, 'a second read of the held file still answers');
    child.kill('SIGKILL');
    assert.ok(await until(() => !w.alive()), 'dead once killed');
    assert.equal(w.alive(), false);
  } finally {
    w.close();
    child.kill('SIGKILL');
  }
  assert.equal(w.alive(), false, 'closed: no longer alive');
});

test('a zombie (killed, not yet reaped by its parent) is not alive', async () => {
  // The shell's background sleep, whose parent then becomes a sleep that never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 30 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    const w = watchProcess(pid);
    assert.ok(w);
    try {
      assert.equal(w.alive(), true);
      process.kill(pid, 'SIGKILL');
      assert.ok(await until(() => !w.alive()), 'a zombie counts as dead');
      assert.equal(processAlive(pid), false, 'as processAlive says');
    } finally {
      w.close();
    }
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a process that is already gone cannot be watched', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(watchProcess(pid), undefined);
});
