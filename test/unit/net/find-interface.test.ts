// Routes and links are real `ip -j` output (test/unit/fixtures/capture-ip.sh):
//   eth0 192.0.2.10/24 + secondary 192.0.2.11/24 (brd 192.0.2.255); eth1 198.51.100.10/24 (NO-CARRIER)
//   default via 192.0.2.1; 203.0.113.0/24 on-link twice (eth0 metric 50 src 192.0.2.11, eth1 metric 100);
//   host route 203.0.113.7 on eth0; 198.51.100.64/26 via 192.0.2.1; unreachable 203.0.113.128/25;
//   blackhole 198.51.100.128/25; IPv6 2001:db8:1::/64 and host 2001:db8:1::99 on eth0, 2001:db8:3::/64 via
//   2001:db8:1::1, unreachable 2001:db8:dead::/48.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIp } from '../../../lib/net/address.ts';
import { bestRoute, findPlacement, PlacementError, type Placement, type PlacementRequest } from '../../../lib/net/find-interface.ts';
import { parseIpAddrJson, parseIpRouteJson, type RouteEntry } from '../../../lib/net/ip-json.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const links = parseIpAddrJson(fixture('ip-addr.json'));
const routes4 = parseIpRouteJson(fixture('ip-route4.json'), 4);
const routes6 = parseIpRouteJson(fixture('ip-route6.json'), 6);

const request = (ip: string, over: Partial<Omit<PlacementRequest, 'ip'>> = {}): PlacementRequest => {
  const parsed = parseIp(ip);
  assert.ok(parsed, ip);
  return { ip: parsed, nic: '', prefix: undefined, broadcast: '', ...over };
};
const place = (ip: string, over: Partial<Omit<PlacementRequest, 'ip'>> = {}): Placement => {
  const req = request(ip, over);
  return findPlacement(req, req.ip.family === 4 ? routes4 : routes6, links);
};

const placementCases: { name: string; ip: string; over?: Partial<Omit<PlacementRequest, 'ip'>>; want: Placement }[] = [
  {
    name: 'the connected subnet gives nic, prefix and the broadcast of the route source address',
    ip: '192.0.2.50', want: { nic: 'eth0', prefix: 24, broadcast: '192.0.2.255' },
  },
  {
    name: 'the longest prefix wins (host route /32 over /24 and default)',
    ip: '203.0.113.7', want: { nic: 'eth0', prefix: 32, broadcast: undefined },
  },
  {
    name: 'the lower metric breaks a prefix tie (eth0 metric 50 over eth1 metric 100)',
    ip: '203.0.113.8', want: { nic: 'eth0', prefix: 24, broadcast: undefined },
  },
  {
    name: 'the route prefsrc in another subnet gives no broadcast (192.0.2.255 is not 203.0.113.0/24\'s)',
    ip: '203.0.113.9', want: { nic: 'eth0', prefix: 24, broadcast: undefined },
  },
  {
    name: 'a given nic picks its route even with the higher metric',
    ip: '203.0.113.8', over: { nic: 'eth1' }, want: { nic: 'eth1', prefix: 24, broadcast: undefined },
  },
  {
    name: 'an unreachable route is skipped even though it is longer',
    ip: '203.0.113.200', want: { nic: 'eth0', prefix: 24, broadcast: undefined },
  },
  {
    name: 'a route via a router is skipped even though it is longer (findif asks for scope link)',
    ip: '198.51.100.70', want: { nic: 'eth1', prefix: 24, broadcast: '198.51.100.255' },
  },
  {
    name: 'a blackhole route is skipped even though it is longer',
    ip: '198.51.100.200', want: { nic: 'eth1', prefix: 24, broadcast: '198.51.100.255' },
  },
  {
    name: 'nic and prefix given need no route',
    ip: '203.0.113.50', over: { nic: 'eth1', prefix: 28 }, want: { nic: 'eth1', prefix: 28, broadcast: undefined },
  },
  {
    name: 'nic and prefix given copy no broadcast from an address of another subnet with the same length',
    ip: '203.0.113.50', over: { nic: 'eth1', prefix: 24 }, want: { nic: 'eth1', prefix: 24, broadcast: undefined },
  },
  {
    name: 'nic and prefix given copy the broadcast of an address in the same subnet',
    ip: '192.0.2.60', over: { nic: 'eth0', prefix: 24 }, want: { nic: 'eth0', prefix: 24, broadcast: '192.0.2.255' },
  },
  {
    name: 'a given prefix overrides the route prefix, and the /24 broadcast is not copied for a /25',
    ip: '192.0.2.50', over: { prefix: 25 }, want: { nic: 'eth0', prefix: 25, broadcast: undefined },
  },
  {
    name: 'a given nic restricts the routes to that nic',
    ip: '198.51.100.20', over: { nic: 'eth1' }, want: { nic: 'eth1', prefix: 24, broadcast: '198.51.100.255' },
  },
  {
    name: 'broadcast + sets the host bits',
    ip: '192.0.2.50', over: { prefix: 25, broadcast: '+' }, want: { nic: 'eth0', prefix: 25, broadcast: '192.0.2.127' },
  },
  {
    name: 'broadcast - sets none',
    ip: '192.0.2.50', over: { broadcast: '-' }, want: { nic: 'eth0', prefix: 24, broadcast: undefined },
  },
  {
    name: 'an explicit broadcast is used as given',
    ip: '192.0.2.50', over: { broadcast: '192.0.2.127' }, want: { nic: 'eth0', prefix: 24, broadcast: '192.0.2.127' },
  },
  {
    name: 'IPv6 takes the /64 of the connected route and never a broadcast',
    ip: '2001:db8:1::20', over: { broadcast: '+' }, want: { nic: 'eth0', prefix: 64, broadcast: undefined },
  },
  {
    name: 'an IPv6 host route wins over its /64',
    ip: '2001:db8:1::99', want: { nic: 'eth0', prefix: 128, broadcast: undefined },
  },
  {
    name: 'a link-local IPv6 address with its nic takes the fe80::/64 route',
    ip: 'fe80::10', over: { nic: 'eth0' }, want: { nic: 'eth0', prefix: 64, broadcast: undefined },
  },
];
for (const c of placementCases) {
  test(`findPlacement: ${c.name}`, () => {
    assert.deepEqual(place(c.ip, c.over), c.want);
  });
}

const errorCases: { name: string; ip: string; over?: Partial<Omit<PlacementRequest, 'ip'>>; message: RegExp }[] = [
  { name: 'an unknown nic', ip: '192.0.2.50', over: { nic: 'eth9' }, message: /interface eth9 does not exist/ },
  { name: 'an unknown nic even with a prefix', ip: '192.0.2.50', over: { nic: 'eth9', prefix: 24 }, message: /interface eth9 does not exist/ },
  { name: 'no route on the given nic', ip: '192.0.2.50', over: { nic: 'eth1' }, message: /no route on eth1 covers 192\.0\.2\.50/ },
  { name: 'an IPv6 subnet reached only through a router', ip: '2001:db8:3::5', message: /no route covers 2001:db8:3::5/ },
  { name: 'an address only the IPv6 default route and an unreachable route cover', ip: '2001:db8:dead::1', message: /no route covers 2001:db8:dead::1/ },
  { name: 'an IPv6 address with only the default route', ip: '2001:db8:99::1', message: /set nic and cidr_netmask/ },
];
for (const c of errorCases) {
  test(`findPlacement throws PlacementError for ${c.name}`, () => {
    assert.throws(() => place(c.ip, c.over), (e: unknown) => e instanceof PlacementError && c.message.test(e.message));
  });
}

test('findPlacement does not use the default route to place an address', () => {
  const onlyDefault = routes4.filter((r) => r.prefix === 0);
  assert.equal(onlyDefault.length, 1);
  assert.throws(() => findPlacement(request('192.0.2.50'), onlyDefault, links), PlacementError);
});

test('findPlacement throws PlacementError when there are no routes at all', () => {
  assert.throws(() => findPlacement(request('192.0.2.50'), [], links), PlacementError);
});

const route = (dst: string, prefix: number, over: Partial<RouteEntry> = {}): RouteEntry => ({
  dst, prefix, dev: 'eth0', prefsrc: undefined, metric: 0, type: 'unicast', ...over,
});

test('bestRoute prefers the lower metric whatever the order of the routes', () => {
  const a = route('192.0.2.0', 24, { metric: 100, dev: 'eth1' });
  const b = route('192.0.2.0', 24, { metric: 10, dev: 'eth0' });
  const ip = parseIp('192.0.2.5')!;
  assert.equal(bestRoute(ip, [a, b], ''), b);
  assert.equal(bestRoute(ip, [b, a], ''), b);
});

test('bestRoute prefers the longer prefix over the lower metric', () => {
  const wide = route('192.0.2.0', 24, { metric: 0 });
  const narrow = route('192.0.2.0', 26, { metric: 500 });
  assert.equal(bestRoute(parseIp('192.0.2.5')!, [wide, narrow], ''), narrow);
});

for (const type of ['unreachable', 'blackhole', 'prohibit', 'throw', 'local', 'broadcast']) {
  test(`bestRoute skips a ${type} route`, () => {
    const skip = route('192.0.2.0', 28, { type });
    const keep = route('192.0.2.0', 24);
    assert.equal(bestRoute(parseIp('192.0.2.5')!, [skip, keep], ''), keep);
  });
}

test('bestRoute skips a route with a gateway', () => {
  const via = route('192.0.2.0', 28, { gateway: '198.51.100.1' });
  const onLink = route('192.0.2.0', 24);
  assert.equal(bestRoute(parseIp('192.0.2.5')!, [via, onLink], ''), onLink);
  assert.equal(bestRoute(parseIp('192.0.2.5')!, [via], ''), undefined);
});

test('bestRoute skips routes without a device and routes of the other family', () => {
  const noDev = route('192.0.2.0', 28, { dev: undefined });
  const v6 = route('2001:db8::', 32);
  assert.equal(bestRoute(parseIp('192.0.2.5')!, [noDev, v6], ''), undefined);
});
