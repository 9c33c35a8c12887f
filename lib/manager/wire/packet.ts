// pgbeat's packet: one versioned binary frame, authenticated over every byte before the authenticator.
// No socket here: bytes in, a packet or a drop cause out.
//
//   0  'P' 'B'            magic
//   2  u8 version         1
//   3  u8 auth index      authkeys key N (its method fixes the authenticator's length)
//   4  u32 cluster id     crc32 of the cluster name
//   8  u32 generation     the sender's run, persisted and incremented at every start
//  12  u64 seq            per-run sequence number (below 2^53)
//  20  u8 len, from       sender node name
//      u8 len, to         addressee node name, empty for everyone
//      u8 len, type       message type (a-z, 0-9, -, _)
//      u32 len, body      JSON object, opaque to the codec
//      authenticator      HMAC-SHA256/SHA1/MD5 or CRC-32 of all the bytes above
import type { AuthKey } from '../config/cluster-config.ts';
import { crc32 } from './crc32.ts';
import type { DropCause } from './drop-cause.ts';
import { computeMac, macLength, verifyMac } from './mac.ts';

/** The packet format version this code writes and reads. */
export const WIRE_VERSION = 1;
/** Largest packet accepted or sent (bytes); heartbeats are a few hundred. */
export const MAX_PACKET = 16_384;
const MAGIC0 = 0x50;
const MAGIC1 = 0x42;
const FIXED = 20;
const NAME = /^[\x21-\x7e]{1,64}$/;
const TYPE = /^[a-z0-9_-]{1,32}$/;
// Stateless for whole-buffer calls: one of each for every packet.
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder('utf-8', { fatal: true });

/** A packet's fields (the authenticator is not one: it is checked, then dropped). */
export interface Packet {
  authIndex: number;
  clusterId: number;
  generation: number;
  seq: number;
  from: string;
  /** undefined: to every node. */
  to?: string | undefined;
  type: string;
  body: Record<string, unknown>;
}

/** The wire id of a cluster name (ha.cf `cluster`). */
export const clusterIdOf = (name: string): number => crc32(ENCODER.encode(name));

/** Encodes and signs a packet with `key` (its index goes in the header). Throws RangeError on fields it cannot carry. */
export const encodePacket = (p: Omit<Packet, 'authIndex'>, key: AuthKey): Uint8Array => {
  const enc = ENCODER;
  if (!NAME.test(p.from)) throw new RangeError(`Cannot encode packet: sender ${JSON.stringify(p.from)} is not 1-64 printable characters`);
  if (p.to !== undefined && !NAME.test(p.to)) throw new RangeError(`Cannot encode packet: addressee ${JSON.stringify(p.to)} is not 1-64 printable characters`);
  if (!TYPE.test(p.type)) throw new RangeError(`Cannot encode packet: type ${JSON.stringify(p.type)} is not 1-32 of a-z 0-9 - _`);
  if (!Number.isInteger(p.generation) || p.generation < 0 || p.generation > 0xffffffff) throw new RangeError(`Cannot encode packet: generation ${p.generation} is not a u32`);
  if (!Number.isSafeInteger(p.seq) || p.seq < 0) throw new RangeError(`Cannot encode packet: seq ${p.seq} is not a safe non-negative integer`);
  const from = enc.encode(p.from);
  const to = enc.encode(p.to ?? '');
  const type = enc.encode(p.type);
  const body = enc.encode(JSON.stringify(p.body));
  const length = FIXED + 1 + from.length + 1 + to.length + 1 + type.length + 4 + body.length + macLength(key.method);
  if (length > MAX_PACKET) throw new RangeError(`Cannot encode packet: ${length} bytes is over ${MAX_PACKET}`);
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = WIRE_VERSION;
  out[3] = key.index;
  v.setUint32(4, p.clusterId >>> 0);
  v.setUint32(8, p.generation);
  v.setUint32(12, Math.floor(p.seq / 2 ** 32));
  v.setUint32(16, p.seq >>> 0);
  let at = FIXED;
  for (const s of [from, to, type]) {
    out[at++] = s.length;
    out.set(s, at);
    at += s.length;
  }
  v.setUint32(at, body.length);
  at += 4;
  out.set(body, at);
  at += body.length;
  out.set(computeMac(key, out.subarray(0, at)), at);
  return out;
};

/** A decoded packet, or why the bytes were dropped. */
export type DecodeResult = { ok: true; packet: Packet } | { ok: false; cause: DropCause; detail: string };

const drop = (cause: DropCause, detail: string): DecodeResult => ({ ok: false, cause, detail });

/**
 * Decodes one packet and checks it: size, format, cluster, authenticator (with the key its index
 * names, among `keys`), then parses the body. Node names and replay are the receiver's concern.
 */
export const decodePacket = (bytes: Uint8Array, clusterId: number, keys: readonly AuthKey[]): DecodeResult => {
  if (bytes.length > MAX_PACKET) return drop('oversized', `${bytes.length} bytes is over ${MAX_PACKET}`);
  if ((bytes.length > 0 && bytes[0] !== MAGIC0) || (bytes.length > 1 && bytes[1] !== MAGIC1)) return drop('malformed', 'no pgbeat magic');
  if (bytes.length < FIXED) return drop('truncated', `${bytes.length} bytes, shorter than the ${FIXED}-byte header`);
  if (bytes[2] !== WIRE_VERSION) return drop('bad-version', `version ${bytes[2]}, this node reads ${WIRE_VERSION}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const authIndex = bytes[3]!;
  const packetCluster = v.getUint32(4);
  const generation = v.getUint32(8);
  const seq = v.getUint32(12) * 2 ** 32 + v.getUint32(16);
  const dec = DECODER;
  let at = FIXED;
  const strings: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (at >= bytes.length) return drop('truncated', 'ends inside the names');
    const n = bytes[at++]!;
    if (at + n > bytes.length) return drop('truncated', 'ends inside the names');
    try {
      strings.push(dec.decode(bytes.subarray(at, at + n)));
    } catch {
      return drop('malformed', 'a name is not UTF-8');
    }
    at += n;
  }
  if (at + 4 > bytes.length) return drop('truncated', 'ends before the body length');
  const bodyLength = v.getUint32(at);
  at += 4;
  if (at + bodyLength > bytes.length) return drop('truncated', `body of ${bodyLength} bytes does not fit`);
  const bodyStart = at;
  at += bodyLength;
  if (packetCluster !== clusterId >>> 0) return drop('wrong-cluster', `cluster id ${packetCluster.toString(16)}, ours is ${(clusterId >>> 0).toString(16)}`);
  const key = keys.find((k) => k.index === authIndex);
  if (!key) return drop('unknown-key', `auth index ${authIndex} is not in authkeys`);
  const macLen = macLength(key.method);
  if (bytes.length < at + macLen) return drop('truncated', `authenticator cut short (${bytes.length - at} of ${macLen} bytes)`);
  if (bytes.length > at + macLen) return drop('malformed', `${bytes.length - at - macLen} bytes after the authenticator`);
  if (!verifyMac(key, bytes.subarray(0, at), bytes.subarray(at))) return drop('bad-mac', `authenticator does not match key ${authIndex} (${key.method})`);
  const [from, to, type] = strings as [string, string, string];
  if (!NAME.test(from) || (to !== '' && !NAME.test(to)) || !TYPE.test(type)) return drop('malformed', 'bad sender, addressee or type');
  let body: unknown;
  try {
    body = JSON.parse(dec.decode(bytes.subarray(bodyStart, bodyStart + bodyLength)));
  } catch {
    return drop('malformed', 'body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return drop('malformed', 'body is not a JSON object');
  return {
    ok: true,
    packet: { authIndex, clusterId: packetCluster, generation, seq, from, to: to === '' ? undefined : to, type, body: body as Record<string, unknown> },
  };
};
