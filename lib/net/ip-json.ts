// Parses `ip -j addr show` and `ip -j route list` output into plain records.
import { parseIp } from './address.ts';

/** One address on one interface. */
export interface InterfaceAddress {
  ifname: string;
  family: 4 | 6;
  /** Canonical address text. */
  address: string;
  prefix: number;
  broadcast: string | undefined;
  label: string | undefined;
  tentative: boolean;
  dadfailed: boolean;
  secondary: boolean;
}

/** One interface with its link facts and addresses. */
export interface InterfaceInfo {
  ifname: string;
  /** Hardware address (MAC) if it has one. */
  mac: string | undefined;
  up: boolean;
  /** Carrier present (no NO-CARRIER flag, operstate not DOWN/LOWERLAYERDOWN). */
  carrier: boolean;
  operstate: string;
  addresses: InterfaceAddress[];
}

/** One route from `ip -j route list`. */
export interface RouteEntry {
  /** Destination network; `default` becomes 0.0.0.0 or :: with prefix 0. */
  dst: string;
  prefix: number;
  dev: string | undefined;
  prefsrc: string | undefined;
  /** Next hop (`via`); undefined for an on-link route (`scope link`). */
  gateway?: string | undefined;
  metric: number;
  /** unicast, unreachable, blackhole, prohibit, local... */
  type: string;
}

const asArray = (text: string, what: string): unknown[] => {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    throw new SyntaxError(`Cannot parse ${what} output: ${(e as Error).message}`);
  }
  if (!Array.isArray(value)) throw new SyntaxError(`Cannot parse ${what} output: expected a JSON array`);
  return value;
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Parses `ip -j addr show [dev X]`. Addresses keep only inet/inet6 entries. */
export const parseIpAddrJson = (text: string): InterfaceInfo[] =>
  asArray(text, 'ip -j addr').map((raw) => {
    const o = raw as Record<string, unknown>;
    const ifname = str(o['ifname']) ?? '';
    const flags = Array.isArray(o['flags']) ? (o['flags'] as unknown[]).map(String) : [];
    const operstate = str(o['operstate']) ?? 'UNKNOWN';
    const infos = Array.isArray(o['addr_info']) ? (o['addr_info'] as Record<string, unknown>[]) : [];
    const addresses: InterfaceAddress[] = [];
    for (const a of infos) {
      const family = a['family'] === 'inet' ? 4 : a['family'] === 'inet6' ? 6 : undefined;
      const parsed = parseIp(str(a['local']) ?? '');
      if (family === undefined || !parsed) continue;
      addresses.push({
        ifname,
        family,
        address: parsed.text,
        prefix: Number(a['prefixlen']),
        broadcast: str(a['broadcast']),
        label: str(a['label']),
        tentative: a['tentative'] === true,
        dadfailed: a['dadfailed'] === true,
        secondary: a['secondary'] === true,
      });
    }
    return {
      ifname,
      mac: str(o['address']),
      up: flags.includes('UP'),
      carrier: !flags.includes('NO-CARRIER') && operstate !== 'DOWN' && operstate !== 'LOWERLAYERDOWN',
      operstate,
      addresses,
    };
  });

/** Parses `ip -j -f <family> route list ...` for one family. */
export const parseIpRouteJson = (text: string, family: 4 | 6): RouteEntry[] =>
  asArray(text, 'ip -j route').flatMap((raw) => {
    const o = raw as Record<string, unknown>;
    const dstText = str(o['dst']) ?? '';
    let dst: string;
    let prefix: number;
    if (dstText === 'default') {
      dst = family === 4 ? '0.0.0.0' : '::';
      prefix = 0;
    } else {
      const [addr, len] = dstText.split('/');
      const parsed = parseIp(addr ?? '');
      if (!parsed || parsed.family !== family) return [];
      dst = parsed.text;
      prefix = len === undefined ? (family === 4 ? 32 : 128) : Number(len);
    }
    return [{
      dst,
      prefix,
      dev: str(o['dev']),
      prefsrc: str(o['prefsrc']),
      gateway: str(o['gateway']),
      metric: typeof o['metric'] === 'number' ? o['metric'] : 0,
      type: str(o['type']) ?? 'unicast',
    }];
  });
