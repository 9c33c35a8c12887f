// The serial heartbeat medium over a real socat pty pair: frames both ways, then the pty pair
// disappears (socat killed): the adapter reports down, retries with backoff (not a busy loop) and comes
// back up when a new socat recreates the link.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthKey } from '../../lib/manager/config/cluster-config.ts';
import type { MediumStatus } from '../../lib/manager/ports.ts';
import { openSerialMedium } from '../../lib/manager/io/media/serial-medium.ts';
import { clusterIdOf, decodePacket, encodePacket } from '../../lib/manager/wire/packet.ts';
import { frameForStream } from '../../lib/manager/wire/stream-framing.ts';
import { waitFor } from '../helpers/pg.ts';

const dir = mkdtempSync(join(tmpdir(), 'pgbeat-serial-'));
const A = join(dir, 'a');
const B = join(dir, 'b');
const started: ChildProcess[] = [];

const startSocat = async (): Promise<ChildProcess> => {
  const p = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${A}`, `pty,raw,echo=0,link=${B}`], { stdio: 'ignore' });
  started.push(p);
  await waitFor('socat pty links', () => existsSync(A) && existsSync(B), 5000);
  return p;
};
const stop = async (p: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await gone;
};
after(async () => {
  for (const p of started) await stop(p, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const KEY: AuthKey = { index: 1, method: 'sha256', key: 'serial-test' };
const CID = clusterIdOf('pgbeat');
const packet = (from: string, seq: number): Uint8Array =>
  encodePacket({ clusterId: CID, generation: 1, seq, from, type: 'hb', body: { from, seq, pad: 'x'.repeat(200) } }, KEY);
const seqsFrom = (frames: Uint8Array[], from: string): number[] =>
  frames.flatMap((f) => {
    const d = decodePacket(f, CID, [KEY]);
    return d.ok && d.packet.from === from ? [d.packet.seq] : [];
  });

test('serial medium: frames both ways over a pty pair; a vanished port is retried with backoff and comes back', async () => {
  let socat = await startSocat();
  const a = openSerialMedium({ kind: 'serial', device: A, baud: 115_200 });
  const b = openSerialMedium({ kind: 'serial', device: B, baud: 115_200 });
  const statusA: MediumStatus[] = [];
  a.onStatus((s) => statusA.push(s));
  const gotA: Uint8Array[] = [];
  const gotB: Uint8Array[] = [];
  a.onFrame((f) => gotA.push(f));
  b.onFrame((f) => gotB.push(f));
  try {
    await waitFor('both ports open', () => a.isOpen && b.isOpen, 5000);
    for (let i = 1; i <= 5; i++) {
      await a.send(packet('alpha', i));
      await b.send(packet('beta', i));
    }
    await waitFor('five frames each way', () => seqsFrom(gotB, 'alpha').length === 5 && seqsFrom(gotA, 'beta').length === 5, 5000);
    assert.deepEqual(seqsFrom(gotB, 'alpha'), [1, 2, 3, 4, 5]);
    assert.deepEqual(seqsFrom(gotA, 'beta'), [1, 2, 3, 4, 5]);
    assert.deepEqual(statusA, [{ up: true }]);

    // Line noise and a frame cut short, written into the line by a third writer: a skips them.
    const noisy = openSync(B, 'w');
    try {
      writeSync(noisy, Buffer.from([0xa5, 0x5a, 0x00, 0x01, 0xa5, 0x00, 0x13, 0x37]));
      writeSync(noisy, Buffer.from(frameForStream(packet('beta', 6)).slice(0, 100)));
    } finally {
      closeSync(noisy);
    }
    await b.send(packet('beta', 7));
    await waitFor('the frame after the noise', () => seqsFrom(gotA, 'beta').includes(7), 5000);
    assert.deepEqual(seqsFrom(gotA, 'beta'), [1, 2, 3, 4, 5, 7]);
    assert.deepEqual(statusA, [{ up: true }]);

    // The port disappears: socat dies without cleaning up, and the device goes with it (as an
    // unplugged USB adapter's node does). The links must go at once: left dangling, they point at
    // pty numbers the kernel hands to the next pty opened on the machine (another test's socat), and
    // the adapter would open that one.
    await stop(socat, 'SIGKILL');
    rmSync(A, { force: true });
    rmSync(B, { force: true });
    await waitFor('medium a reported down', () => statusA.at(-1)?.up === false, 3000);
    const attemptsAtDown = a.stats.openAttempts;
    await new Promise((r) => setTimeout(r, 3000));
    const retries = a.stats.openAttempts - attemptsAtDown;
    // 100, 200, 400, 800, 1600 ms: about 4-5 attempts in 3 s; a busy loop would make thousands.
    assert.ok(retries >= 2 && retries <= 8, `retries in 3 s: ${retries}`);
    for (let i = 6; i <= 8; i++) await a.send(packet('alpha', i)); // must not throw while down
    assert.ok(a.stats.sendFailures >= 3, `send failures while down: ${a.stats.sendFailures}`);

    socat = await startSocat();
    await waitFor('both ports open again', () => a.isOpen && b.isOpen, 8000);
    assert.equal(statusA.at(-1)?.up, true);
    gotA.length = 0;
    gotB.length = 0;
    await a.send(packet('alpha', 10));
    await b.send(packet('beta', 10));
    await waitFor('a frame each way after the return', () => seqsFrom(gotB, 'alpha').includes(10) && seqsFrom(gotA, 'beta').includes(10), 5000);
    assert.deepEqual(statusA.map((s) => s.up), [true, false, true]);
  } finally {
    await a.close();
    await b.close();
  }
});
