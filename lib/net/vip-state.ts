// Is the virtual address ours, absent, or somewhere unexpected?
import type { InterfaceAddress, InterfaceInfo } from './ip-json.ts';

/** Where an address was found among the local interfaces. */
export type VipState =
  | { kind: 'absent' }
  | { kind: 'served'; entry: InterfaceAddress }
  /** Present but on another interface or with another prefix. */
  | { kind: 'elsewhere'; entries: InterfaceAddress[] }
  /** IPv6 duplicate address detection failed: another host holds it. */
  | { kind: 'dadfailed'; entry: InterfaceAddress };

/** Every local entry of the address (canonical text), on any interface. */
export const findAddress = (links: readonly InterfaceInfo[], address: string): InterfaceAddress[] =>
  links.flatMap((l) => l.addresses.filter((a) => a.address === address));

/**
 * Classifies the address against the wanted interface and prefix (either may be undefined
 * for "any").
 */
export const vipState = (
  links: readonly InterfaceInfo[],
  address: string,
  nic: string | undefined,
  prefix: number | undefined,
): VipState => {
  const entries = findAddress(links, address);
  if (entries.length === 0) return { kind: 'absent' };
  const wanted = entries.find((e) => (nic === undefined || e.ifname === nic) && (prefix === undefined || e.prefix === prefix));
  if (!wanted) return { kind: 'elsewhere', entries };
  if (wanted.dadfailed) return { kind: 'dadfailed', entry: wanted };
  return { kind: 'served', entry: wanted };
};

/** The kernel's limit on an interface label (IFNAMSIZ - 1). */
export const MAX_LABEL = 15;
