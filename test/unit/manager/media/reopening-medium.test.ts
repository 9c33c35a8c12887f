// ReopeningMedium with a scripted opener (no device): status changes, backoff between attempts, and
// sends that never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MediumStatus } from '../../../../lib/manager/ports.ts';
import { ReopeningMedium, type Link, type LinkOpener } from '../../../../lib/manager/io/media/reopening-link.ts';
import { openUdpMedium } from '../../../../lib/manager/io/media/udp-medium.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POLICY = { initialMs: 20, maxMs: 80 };

test('ReopeningMedium backs off between failed opens, reports down once, then up, and delivers frames', async () => {
  const attempts: number[] = [];
  let deliver: ((f: Uint8Array) => void) | undefined;
  let kill: ((why: string) => void) | undefined;
  const sent: Uint8Array[] = [];
  const t0 = Date.now();
  const opener: LinkOpener = async (d, f) => {
    attempts.push(Date.now() - t0);
    if (attempts.length <= 3) throw new Error('no such device');
    deliver = d;
    kill = f;
    const link: Link = { send: async (x) => { sent.push(x); }, close: async () => undefined };
    return link;
  };
  const m = new ReopeningMedium('fake', opener, POLICY);
  const statuses: MediumStatus[] = [];
  m.onStatus((s) => statuses.push(s));
  const frames: Uint8Array[] = [];
  m.onFrame((f) => frames.push(f));
  try {
    await m.send(new Uint8Array([1])); // down: dropped, no throw
    await sleep(250);
    assert.equal(attempts.length, 4);
    // 20, 40, 80 ms apart at least.
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
    assert.ok(gaps[0]! >= 19 && gaps[1]! >= 39 && gaps[2]! >= 79, `gaps ${gaps}`);
    assert.deepEqual(statuses.map((s) => s.up), [false, true]);
    assert.match(statuses[0]!.reason!, /^open failed: no such device; retrying in 20 ms$/);
    await m.send(new Uint8Array([2]));
    assert.deepEqual(sent, [new Uint8Array([2])]);
    deliver!(new Uint8Array([9]));
    assert.deepEqual(frames, [new Uint8Array([9])]);
    assert.deepEqual(m.stats, { openAttempts: 4, openFailures: 3, sent: 1, sendFailures: 1, received: 1 });
    kill!('port error: EIO');
    await sleep(5);
    assert.deepEqual(statuses.map((s) => s.up), [false, true, false]);
    assert.equal(m.isOpen, false);
    await sleep(150);
    assert.deepEqual(statuses.map((s) => s.up), [false, true, false, true]);
  } finally {
    await m.close();
  }
  const n = attempts.length;
  await sleep(120);
  assert.equal(attempts.length, n, 'no attempt after close');
});

test('ReopeningMedium reports a failing send as down, and up again on the next success, without throwing', async () => {
  let fail = true;
  const m = new ReopeningMedium('fake', async () => ({
    send: async () => { if (fail) throw new Error('ENETUNREACH'); },
    close: async () => undefined,
  }), POLICY);
  const statuses: MediumStatus[] = [];
  m.onStatus((s) => statuses.push(s));
  try {
    await sleep(10);
    await m.send(new Uint8Array([1]));
    fail = false;
    await m.send(new Uint8Array([1]));
    assert.deepEqual(statuses, [{ up: true }, { up: false, reason: 'send failed: ENETUNREACH' }, { up: true }]);
  } finally {
    await m.close();
  }
});

test('a UDP medium on a missing interface reports down with the reason and keeps retrying', async () => {
  const m = openUdpMedium({ kind: 'ucast', dev: 'pgbnone0', peer: '198.51.100.2', port: 6943 }, POLICY);
  const statuses: MediumStatus[] = [];
  m.onStatus((s) => statuses.push(s));
  try {
    await sleep(150);
    assert.equal(statuses[0]?.up, false);
    assert.match(statuses[0]!.reason!, /interface pgbnone0 has no IPv4 address/);
    assert.ok(m.stats.openAttempts >= 2 && m.stats.openAttempts <= 5, `${m.stats.openAttempts} attempts`);
    await m.send(new Uint8Array([1]));
  } finally {
    await m.close();
  }
});
