// The authenticator of a packet: HMAC with the authkeys method and key, or for `crc` a bare checksum
// (heartbeat compatibility: it detects corruption, not forgery).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthKey, AuthMethod } from '../config/cluster-config.ts';
import { crc32 } from './crc32.ts';

const LENGTHS: Readonly<Record<AuthMethod, number>> = { sha256: 32, sha1: 20, md5: 16, crc: 4 };

/** Bytes of the authenticator a method appends. */
export const macLength = (method: AuthMethod): number => LENGTHS[method];

/** The authenticator of `bytes` under `key`. */
export const computeMac = (key: AuthKey, bytes: Uint8Array): Uint8Array => {
  if (key.method === 'crc') {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, crc32(bytes));
    return out;
  }
  return createHmac(key.method, key.key).update(bytes).digest();
};

/** Whether `mac` authenticates `bytes` under `key` (constant time for the HMACs). */
export const verifyMac = (key: AuthKey, bytes: Uint8Array, mac: Uint8Array): boolean => {
  const want = computeMac(key, bytes);
  return want.length === mac.length && timingSafeEqual(want, mac);
};
