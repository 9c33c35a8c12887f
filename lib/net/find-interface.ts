// findif: which interface, prefix and broadcast a virtual address gets, from routes and addresses.
import { parseIp, type IpAddress } from './address.ts';
import { broadcastOf, contains } from './cidr.ts';
import type { InterfaceInfo, RouteEntry } from './ip-json.ts';

/** Where the address goes. */
export interface Placement {
  nic: string;
  prefix: number;
  /** IPv4 broadcast to set, or undefined for none. */
  broadcast: string | undefined;
}

/** What the operator asked for (empty strings mean "find it"). */
export interface PlacementRequest {
  ip: IpAddress;
  nic: string;
  prefix: number | undefined;
  /** `''`, `+`, `-` or an address. */
  broadcast: string;
}

/** Why no placement was found; the agent turns this into an exit reason. */
export class PlacementError extends Error {
  override name = 'PlacementError';
}

const NON_UNICAST = new Set(['unreachable', 'blackhole', 'prohibit', 'throw', 'local', 'broadcast', 'multicast', 'anycast']);

/**
 * Picks the route findif would: matching, unicast, on-link (findif asks for `scope link`: a subnet
 * reached through a router is not this segment), with a device, longest prefix then lowest metric.
 */
export const bestRoute = (ip: IpAddress, routes: readonly RouteEntry[], nic: string): RouteEntry | undefined =>
  routes
    .filter((r) => !NON_UNICAST.has(r.type) && r.dev !== undefined && r.prefix > 0 && r.gateway === undefined)
    .filter((r) => nic === '' || r.dev === nic)
    .filter((r) => {
      const dst = parseIp(r.dst);
      return dst !== undefined && contains(dst, r.prefix, ip);
    })
    .sort((a, b) => b.prefix - a.prefix || a.metric - b.metric)[0];

const chooseBroadcast = (
  req: PlacementRequest,
  prefix: number,
  nic: string,
  route: RouteEntry | undefined,
  links: readonly InterfaceInfo[],
): string | undefined => {
  if (req.ip.family === 6 || req.broadcast === '-') return undefined;
  if (req.broadcast === '+') return broadcastOf(req.ip, prefix).text;
  if (req.broadcast !== '') return req.broadcast;
  // As findif: copy the broadcast of the subnet's existing address (the route's source first), but
  // only from an address in the same subnet: another subnet's broadcast is wrong for this one.
  const link = links.find((l) => l.ifname === nic);
  const sameSubnet = link?.addresses.filter((a) => {
    const own = a.family === 4 && a.prefix === prefix && a.broadcast ? parseIp(a.address) : undefined;
    return own !== undefined && contains(own, prefix, req.ip);
  }) ?? [];
  const src = route?.prefsrc;
  return (sameSubnet.find((a) => a.address === src) ?? sameSubnet[0])?.broadcast;
};

/**
 * Decides interface, prefix and broadcast. With both nic and prefix given no route is needed;
 * otherwise the best matching route supplies what is missing.
 */
export const findPlacement = (
  req: PlacementRequest,
  routes: readonly RouteEntry[],
  links: readonly InterfaceInfo[],
): Placement => {
  if (req.nic !== '' && !links.some((l) => l.ifname === req.nic)) {
    throw new PlacementError(`interface ${req.nic} does not exist on this node`);
  }
  const route = req.nic !== '' && req.prefix !== undefined ? undefined : bestRoute(req.ip, routes, req.nic);
  const nic = req.nic !== '' ? req.nic : route?.dev;
  const prefix = req.prefix ?? route?.prefix;
  if (nic === undefined || prefix === undefined) {
    const scope = req.nic === '' ? '' : ` on ${req.nic}`;
    throw new PlacementError(
      `no route${scope} covers ${req.ip.text}; set nic and cidr_netmask, or add an address in its subnet`,
    );
  }
  return { nic, prefix, broadcast: chooseBroadcast(req, prefix, nic, route, links) };
};
