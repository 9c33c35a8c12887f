import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import type { AuthKey } from '../../../../lib/manager/config/cluster-config.ts';
import { crc32 } from '../../../../lib/manager/wire/crc32.ts';
import { MAX_PACKET, clusterIdOf, decodePacket, encodePacket } from '../../../../lib/manager/wire/packet.ts';

const SHA256: AuthKey = { index: 1, method: 'sha256', key: 'secret' };
const KEYS: AuthKey[] = [SHA256, { index: 2, method: 'sha1', key: 'old' }, { index: 3, method: 'md5', key: 'm' }, { index: 4, method: 'crc', key: '' }];
const CID = clusterIdOf('pgbeat');
const FIELDS: Parameters<typeof encodePacket>[0] & { to: string | undefined } = { clusterId: CID, generation: 7, seq: 2 ** 40 + 5, from: 'alpha', to: 'beta', type: 'hb', body: { holding: true, pg: { lsn: '0/3000060', tl: 2 } } };

test('crc32 is POSIX cksum without the length suffix', () => {
  const data = new TextEncoder().encode('hello heartbeat');
  const want = Number(execFileSync('cksum', { input: Buffer.from(data) }).toString().split(' ')[0]);
  // cksum appends the length (15) as one byte before complementing.
  assert.equal(crc32(new Uint8Array([...data, 15])), want);
});

for (const key of KEYS) {
  test(`encodePacket/decodePacket round-trip with ${key.method}`, () => {
    const bytes = encodePacket(FIELDS, key);
    const r = decodePacket(bytes, CID, KEYS);
    assert.deepEqual(r, { ok: true, packet: { ...FIELDS, authIndex: key.index } });
  });
}

test('a broadcast packet decodes with no addressee', () => {
  const r = decodePacket(encodePacket({ ...FIELDS, to: undefined }, SHA256), CID, KEYS);
  assert.equal(r.ok && r.packet.to, undefined);
});

const good = encodePacket(FIELDS, SHA256);
const flip = (b: Uint8Array, i: number): Uint8Array => {
  const c = b.slice();
  c[i] = c[i]! ^ 0x01;
  return c;
};
const setU8 = (b: Uint8Array, i: number, v: number): Uint8Array => {
  const c = b.slice();
  c[i] = v;
  return c;
};
const bodyAt = 20 + 1 + 5 + 1 + 4 + 1 + 2 + 4;
// A packet whose body is not valid JSON but correctly signed.
const signedRaw = (body: Uint8Array): Uint8Array => {
  const ok = encodePacket({ ...FIELDS, body: {} }, SHA256);
  const head = ok.slice(0, bodyAt - 4);
  const lenb = new Uint8Array(4);
  new DataView(lenb.buffer).setUint32(0, body.length);
  const unsigned = new Uint8Array([...head, ...lenb, ...body]);
  return new Uint8Array([...unsigned, ...createHmac('sha256', 'secret').update(unsigned).digest()]);
};

const drops: [string, Uint8Array, string, AuthKey[]?, number?][] = [
  ['oversized', new Uint8Array(MAX_PACKET + 1), 'oversized'],
  ['empty', new Uint8Array(0), 'truncated'],
  ['cut inside the header', good.slice(0, 10), 'truncated'],
  ['cut inside the names', good.slice(0, 23), 'truncated'],
  ['cut inside the body', good.slice(0, bodyAt + 3), 'truncated'],
  ['cut inside the authenticator', good.slice(0, good.length - 1), 'truncated'],
  ['bytes after the authenticator', new Uint8Array([...good, 0]), 'malformed'],
  ['no magic', setU8(good, 0, 0x3e), 'malformed'],
  ['another version', setU8(good, 2, 9), 'bad-version'],
  ['another cluster', good, 'wrong-cluster', KEYS, clusterIdOf('other')],
  ['an auth index not in authkeys', setU8(good, 3, 9), 'unknown-key'],
  ['a key of another method under the same index (authenticator length differs)', good, 'malformed', [{ index: 1, method: 'md5', key: 'secret' }]],
  ['another key', good, 'bad-mac', [{ index: 1, method: 'sha256', key: 'wrong' }]],
  ['a flipped bit in the seq', flip(good, 19), 'bad-mac'],
  ['a flipped bit in the body', flip(good, bodyAt + 2), 'bad-mac'],
  ['a flipped bit in the authenticator', flip(good, good.length - 1), 'bad-mac'],
  ['a signed body that is not JSON', signedRaw(new TextEncoder().encode('{nope')), 'malformed'],
  ['a signed body that is a JSON array', signedRaw(new TextEncoder().encode('[1]')), 'malformed'],
];
for (const [why, bytes, cause, keys, cid] of drops) {
  test(`decodePacket drops ${why} as ${cause}`, () => {
    const r = decodePacket(bytes, cid ?? CID, keys ?? KEYS);
    assert.equal(r.ok ? 'accepted' : r.cause, cause);
  });
}

test('a packet signed with md5 but claiming another index fails authentication', () => {
  const forged = encodePacket(FIELDS, { index: 3, method: 'md5', key: 'guess' });
  const r = decodePacket(forged, CID, KEYS);
  assert.equal(r.ok ? 'accepted' : r.cause, 'bad-mac');
});

const badFields: [string, Partial<typeof FIELDS>][] = [
  ['an empty sender', { from: '' }],
  ['a sender with a blank', { from: 'a b' }],
  ['an upper-case type', { type: 'HB' }],
  ['a negative seq', { seq: -1 }],
  ['a seq beyond 2^53', { seq: 2 ** 53 }],
  ['a generation beyond u32', { generation: 2 ** 32 }],
  ['a body over the limit', { body: { x: 'y'.repeat(MAX_PACKET) } }],
];
for (const [why, change] of badFields) {
  test(`encodePacket refuses ${why}`, () => {
    assert.throws(() => encodePacket({ ...FIELDS, ...change }, SHA256), RangeError);
  });
}
