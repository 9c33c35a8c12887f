// WAL positions (LSNs) as 64-bit bigints, their 'X/Y' text, and WAL segment file names.
import { quoteValue } from '../ocf/quote.ts';

/** A WAL position: a byte offset in the WAL stream (pg_lsn). */
export type Lsn = bigint;

/** The default WAL segment size (initdb --wal-segsize 16). */
export const DEFAULT_WAL_SEGMENT_SIZE = 16n * 1024n * 1024n;

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Whether `text` looks like an LSN ('0/3028708', '0/03028708'). */
export const isLsnText = (text: string): boolean => LSN_TEXT.test(text.trim());

/** Parses 'X/Y' (two hex halves, as PostgreSQL and pg_waldump print them) into a position. */
export const parseLsn = (text: string): Lsn => {
  const m = LSN_TEXT.exec(text.trim());
  if (!m) throw new SyntaxError(`Cannot parse LSN ${quoteValue(text)}: expected two hexadecimal halves like 0/3028708`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
};

/** Formats a position as PostgreSQL does: upper and lower 32 bits in uppercase hex, unpadded. */
export const formatLsn = (lsn: Lsn): string => {
  if (lsn < 0n || lsn > 0xffffffffffffffffn) throw new RangeError(`Cannot format LSN ${lsn}: outside 0..2^64-1`);
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
};

/** Bytes from `from` to `to`, negative when `to` is behind (pg_wal_lsn_diff(to, from)). */
export const lsnDiff = (to: Lsn, from: Lsn): bigint => to - from;

/** Orders two positions for sort(): negative when a < b. */
export const compareLsn = (a: Lsn, b: Lsn): number => (a < b ? -1 : a > b ? 1 : 0);

/** The larger of some positions, or undefined for none. */
export const maxLsn = (...lsns: readonly (Lsn | undefined)[]): Lsn | undefined =>
  lsns.reduce<Lsn | undefined>((best, l) => (l === undefined || (best !== undefined && best >= l) ? best : l), undefined);

/** A byte count for humans: '0 B', '8.0 KiB', '16.0 MiB' (negative counts keep their sign). */
export const formatBytes = (bytes: bigint): string => {
  const sign = bytes < 0n ? '-' : '';
  const abs = bytes < 0n ? -bytes : bytes;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (abs < 1024n) return `${sign}${abs} B`;
  let value = Number(abs) / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(1)} ${units[unit]}`;
};

const hex8 = (n: bigint | number): string => n.toString(16).toUpperCase().padStart(8, '0');

/**
 * The WAL file name holding the byte at `lsn` on `timeline` (XLByteToSeg). Note pg_walfile_name()
 * uses the segment of lsn-1, so a position exactly on a segment boundary maps to the previous file there.
 */
export const walFileName = (timeline: number, lsn: Lsn, segmentSize: bigint = DEFAULT_WAL_SEGMENT_SIZE): string => {
  const segno = lsn / segmentSize;
  const perId = 0x100000000n / segmentSize;
  return `${hex8(timeline)}${hex8(segno / perId)}${hex8(segno % perId)}`;
};

/** What a WAL segment file name encodes. */
export interface WalFileId {
  timeline: number;
  /** Position of the segment's first byte. */
  start: Lsn;
}

/** Parses a 24-hex-digit WAL segment file name ('000000010000000000000003'). */
export const parseWalFileName = (name: string, segmentSize: bigint = DEFAULT_WAL_SEGMENT_SIZE): WalFileId => {
  const m = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/.exec(name);
  if (!m) throw new SyntaxError(`Cannot parse WAL file name ${quoteValue(name)}: expected 24 uppercase hexadecimal digits`);
  const perId = 0x100000000n / segmentSize;
  const segno = BigInt(`0x${m[2]}`) * perId + BigInt(`0x${m[3]}`);
  return { timeline: Number.parseInt(m[1]!, 16), start: segno * segmentSize };
};

/** The name of a timeline's history file in pg_wal ('00000002.history'). */
export const historyFileName = (timeline: number): string => `${hex8(timeline)}.history`;
