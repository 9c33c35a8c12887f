// IPv4/IPv6 address parsing and canonical text (RFC 5952), without touching the network.

/** A parsed IP address: family, 4 or 16 bytes, and its canonical text. */
export interface IpAddress {
  family: 4 | 6;
  bytes: number[];
  /** Canonical text, as `ip addr` prints it. */
  text: string;
}

const parseV4Bytes = (text: string): number[] | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
};

const parseV6Groups = (input: string): number[] | undefined => {
  let body = input;
  // A trailing dotted quad (::ffff:192.0.2.1) stands for the last two groups.
  if (body.includes('.')) {
    const lastColon = body.lastIndexOf(':');
    const v4 = parseV4Bytes(body.slice(lastColon + 1));
    if (!v4) return undefined;
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    body = `${body.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const rest = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const have = head.length + rest.length;
  if (halves.length === 1) return have === 8 ? head : undefined;
  if (have > 7) return undefined;
  return [...head, ...new Array<number>(8 - have).fill(0), ...rest];
};

const v6Text = (groups: number[]): string => {
  // IPv4-mapped (::ffff:0:0/96) keeps its dotted quad (RFC 5952 section 5; inet_ntop does the same).
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  // Longest run of two or more zero groups becomes "::" (first one on ties).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
};

/** Parses an IPv4 dotted quad or an IPv6 address; undefined when malformed. */
export const parseIp = (text: string): IpAddress | undefined => {
  if (text.includes(':')) {
    const groups = parseV6Groups(text);
    if (!groups) return undefined;
    const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
    return { family: 6, bytes, text: v6Text(groups) };
  }
  const bytes = parseV4Bytes(text);
  return bytes ? { family: 4, bytes, text: bytes.join('.') } : undefined;
};

/** Builds an address from bytes (4 or 16). */
export const fromBytes = (bytes: number[]): IpAddress => {
  if (bytes.length === 4) return { family: 4, bytes, text: bytes.join('.') };
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  return { family: 6, bytes, text: v6Text(groups) };
};

/** Whether two address texts name the same address. */
export const sameAddress = (a: string, b: string): boolean => {
  const pa = parseIp(a);
  const pb = parseIp(b);
  return pa !== undefined && pb !== undefined && pa.text === pb.text;
};

/** An IPv6 link-local address (fe80::/10) needs an explicit interface. */
export const isLinkLocal = (a: IpAddress): boolean =>
  a.family === 6 ? a.bytes[0] === 0xfe && (a.bytes[1]! & 0xc0) === 0x80 : a.bytes[0] === 169 && a.bytes[1] === 254;
