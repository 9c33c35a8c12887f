// Prefix lengths, netmasks, networks and broadcasts.
import { fromBytes, parseIp, type IpAddress } from './address.ts';

/** Largest prefix length of a family. */
export const maxPrefix = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/**
 * Reads a prefix as IPaddr2 accepts it: a length (1-32 / 1-128) or, for IPv4, a dotted netmask.
 * Returns undefined when it is neither.
 */
export const parsePrefix = (text: string, family: 4 | 6): number | undefined => {
  if (/^\d{1,3}$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= maxPrefix(family) ? n : undefined;
  }
  if (family !== 4) return undefined;
  const mask = parseIp(text);
  if (!mask || mask.family !== 4) return undefined;
  const bits = mask.bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  if (!/^1+0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
};

const maskBytes = (prefix: number, length: number): number[] =>
  Array.from({ length }, (_, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });

/** The network address of `addr/prefix`. */
export const networkOf = (addr: IpAddress, prefix: number): IpAddress => {
  const mask = maskBytes(prefix, addr.bytes.length);
  return fromBytes(addr.bytes.map((b, i) => b & mask[i]!));
};

/** The IPv4 broadcast of `addr/prefix` (all host bits set). */
export const broadcastOf = (addr: IpAddress, prefix: number): IpAddress => {
  const mask = maskBytes(prefix, addr.bytes.length);
  return fromBytes(addr.bytes.map((b, i) => (b & mask[i]!) | (~mask[i]! & 0xff)));
};

/** Whether `addr` lies inside `net/prefix`. */
export const contains = (net: IpAddress, prefix: number, addr: IpAddress): boolean =>
  net.family === addr.family && networkOf(net, prefix).text === networkOf(addr, prefix).text;
