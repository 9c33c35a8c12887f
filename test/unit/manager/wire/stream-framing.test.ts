import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PACKET } from '../../../../lib/manager/wire/packet.ts';
import { StreamDeframer, frameForStream } from '../../../../lib/manager/wire/stream-framing.ts';

const payload = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const A = payload(40, 1);
const B = payload(300, 2);
const C = payload(5, 3);
const stream = new Uint8Array([...frameForStream(A), ...frameForStream(B), ...frameForStream(C)]);
const sizes = (frames: Uint8Array[]): number[] => frames.map((f) => f.length);

test('StreamDeframer yields every frame from one chunk', () => {
  const d = new StreamDeframer();
  assert.deepEqual(d.push(stream), [A, B, C]);
  assert.equal(d.pending, 0);
});

test('StreamDeframer yields the same frames whatever the split point (every split of the stream)', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const d = new StreamDeframer();
    const got = [...d.push(stream.slice(0, cut)), ...d.push(stream.slice(cut))];
    assert.deepEqual(sizes(got), [40, 300, 5], `split at ${cut}`);
  }
});

test('StreamDeframer yields the frames when fed one byte at a time', () => {
  const d = new StreamDeframer();
  const got = [...stream].flatMap((b) => d.push(new Uint8Array([b])));
  assert.deepEqual(got, [A, B, C]);
});

test('StreamDeframer skips garbage before, between and after frames, including fake sync bytes', () => {
  const noise = new Uint8Array([0xa5, 0x00, 0xa5, 0x5a, 0x00, 0x10, 0x00, 0x00, 7, 0xa5]);
  const d = new StreamDeframer();
  const got = d.push(new Uint8Array([...noise, ...frameForStream(A), ...noise, ...frameForStream(C)]));
  assert.deepEqual(got, [A, C]);
  assert.ok(d.stats.garbageBytes >= 2 * noise.length - 1);
});

test('StreamDeframer drops a corrupted frame (CRC) and keeps the next', () => {
  const bad = frameForStream(B);
  bad[50] = bad[50]! ^ 0xff;
  const d = new StreamDeframer();
  assert.deepEqual(d.push(new Uint8Array([...bad, ...frameForStream(C)])), [C]);
  assert.equal(d.stats.corrupt, 1);
});

test('StreamDeframer drops a truncated frame when a whole frame follows it', () => {
  const cut = frameForStream(B).slice(0, 120);
  const d = new StreamDeframer();
  assert.deepEqual(d.push(new Uint8Array([...cut, ...frameForStream(A), ...frameForStream(C)])), [A, C]);
  assert.equal(d.stats.truncated, 1);
});

test('StreamDeframer drops an oversized header without waiting for its bytes', () => {
  const big = new Uint8Array(6);
  const v = new DataView(big.buffer);
  big[0] = 0xa5;
  big[1] = 0x5a;
  v.setUint16(2, MAX_PACKET + 1);
  v.setUint16(4, ~(MAX_PACKET + 1) & 0xffff);
  const d = new StreamDeframer();
  assert.deepEqual(d.push(new Uint8Array([...big, ...frameForStream(C)])), [C]);
  assert.equal(d.stats.oversized, 1);
  assert.throws(() => frameForStream(new Uint8Array(MAX_PACKET + 1)), RangeError);
});

test('StreamDeframer holds no more than a partial frame of garbage-free bytes', () => {
  const d = new StreamDeframer();
  d.push(payload(100_000, 0x11));
  assert.equal(d.pending, 0);
  d.push(frameForStream(B).slice(0, 100));
  assert.equal(d.pending, 100);
  d.reset();
  assert.equal(d.pending, 0);
});
