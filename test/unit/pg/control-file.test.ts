import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_HEAD_BYTES, decodeControlHead } from '../../../lib/pg/control-file.ts';

// A head laid out as ControlFileData has it since PostgreSQL 11.
const head = (o: { version?: number; state?: number; le?: boolean } = {}): Buffer => {
  const le = o.le ?? true;
  const b = Buffer.alloc(CONTROL_HEAD_BYTES);
  const u32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const u64 = (v: bigint, at: number) => (le ? b.writeBigUInt64LE(v, at) : b.writeBigUInt64BE(v, at));
  u64(7300000000000000001n, 0);
  u32(o.version ?? 1300, 8);
  u32(202209061, 12);
  u32(o.state ?? 6, 16);
  u64(1_700_000_000n, 24);
  u64(0x3000060n, 32);
  u64(0x3000028n, 40);
  u32(2, 48);
  return b;
};

test('decodes state, checkpoint, redo, timeline and the 64-bit system identifier', () => {
  assert.deepEqual(decodeControlHead(head(), true), {
    systemIdentifier: '7300000000000000001', pgControlVersion: 1300, state: 'in production',
    checkpointLsn: 0x3000060n, redoLsn: 0x3000028n, timeline: 2,
  });
});

test('reads a big-endian file when told the byte order', () => {
  assert.equal(decodeControlHead(head({ le: false, state: 5 }), false)?.state, 'in archive recovery');
  assert.equal(decodeControlHead(head({ le: false }), true), undefined, 'wrong byte order: the version is out of range');
});

test('every DBState value has pg_controldata\'s word', () => {
  const words = [0, 1, 2, 3, 4, 5, 6].map((s) => decodeControlHead(head({ state: s }), true)?.state);
  assert.deepEqual(words, ['starting up', 'shut down', 'shut down in recovery', 'shutting down', 'in crash recovery', 'in archive recovery', 'in production']);
});

test('a layout it does not know, a short read or an unknown state is left to pg_controldata', () => {
  assert.equal(decodeControlHead(head({ version: 1002 }), true), undefined, 'PostgreSQL 10 still had prevCheckPoint');
  assert.equal(decodeControlHead(head({ version: 1900 }), true), undefined, 'a future layout');
  assert.equal(decodeControlHead(head().subarray(0, 40), true), undefined);
  assert.equal(decodeControlHead(head({ state: 7 }), true), undefined);
});
