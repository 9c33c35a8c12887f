// CRC-32 as heartbeat's `crc` auth method computes it: polynomial 0x04C11DB7, MSB first (not
// reflected), initial value 0, final complement (POSIX cksum without its length suffix).

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 (cksum polynomial, MSB first) of `bytes`, as an unsigned 32-bit number. */
export const crc32 = (bytes: Uint8Array): number => {
  let c = 0;
  for (const b of bytes) c = ((c << 8) ^ TABLE[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return ~c >>> 0;
};
