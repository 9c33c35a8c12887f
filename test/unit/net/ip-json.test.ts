// Fixtures: real `ip -j` output (iproute2 6.1.0), captured by test/unit/fixtures/capture-ip.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIpAddrJson, parseIpRouteJson } from '../../../lib/net/ip-json.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const links = parseIpAddrJson(fixture('ip-addr.json'));
const link = (name: string) => {
  const l = links.find((x) => x.ifname === name);
  assert.ok(l, `no ${name} in fixture`);
  return l;
};
const addr = (ifname: string, address: string) => {
  const a = link(ifname).addresses.find((x) => x.address === address);
  assert.ok(a, `no ${address} on ${ifname}`);
  return a;
};

test('parseIpAddrJson lists every interface in order', () => {
  assert.deepEqual(links.map((l) => l.ifname), ['lo', 'eth0', 'eth1']);
});

test('parseIpAddrJson reads an interface with carrier as up with carrier, and its MAC', () => {
  const eth0 = link('eth0');
  assert.equal(eth0.up, true);
  assert.equal(eth0.carrier, true);
  assert.equal(eth0.operstate, 'UP');
  assert.match(eth0.mac ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
});

test('parseIpAddrJson reads a NO-CARRIER link as up (admin) but without carrier', () => {
  const eth1 = link('eth1');
  assert.equal(eth1.up, true);
  assert.equal(eth1.carrier, false);
  assert.equal(eth1.operstate, 'DOWN');
});

test('parseIpAddrJson counts loopback (operstate UNKNOWN) as having carrier', () => {
  assert.equal(link('lo').carrier, true);
  assert.equal(link('lo').up, true);
});

test('parseIpAddrJson reads a primary IPv4 address with prefix, broadcast and label', () => {
  assert.deepEqual(addr('eth0', '192.0.2.10'), {
    ifname: 'eth0', family: 4, address: '192.0.2.10', prefix: 24, broadcast: '192.0.2.255', label: 'eth0',
    tentative: false, dadfailed: false, secondary: false,
  });
});

test('parseIpAddrJson reads a secondary IPv4 address with its own label', () => {
  const a = addr('eth0', '192.0.2.11');
  assert.equal(a.secondary, true);
  assert.equal(a.label, 'eth0:vip');
  assert.equal(a.broadcast, '192.0.2.255');
});

test('parseIpAddrJson reads a tentative IPv6 address (DAD waiting for carrier)', () => {
  const a = addr('eth1', '2001:db8:2::10');
  assert.equal(a.family, 6);
  assert.equal(a.tentative, true);
  assert.equal(a.dadfailed, false);
  assert.equal(a.broadcast, undefined);
  assert.equal(a.label, undefined);
});

test('parseIpAddrJson reads an IPv6 address whose DAD failed as dadfailed and tentative', () => {
  const a = addr('eth0', '2001:db8:1::5');
  assert.equal(a.dadfailed, true);
  assert.equal(a.tentative, true);
  assert.equal(a.prefix, 64);
});

test('parseIpAddrJson reads a nodad IPv6 address as settled', () => {
  const a = addr('eth0', '2001:db8:1::10');
  assert.equal(a.tentative, false);
  assert.equal(a.dadfailed, false);
});

test('parseIpAddrJson keeps every address of an interface, IPv4 and IPv6', () => {
  assert.deepEqual(
    link('eth0').addresses.map((a) => `${a.address}/${a.prefix}`),
    ['192.0.2.10/24', '192.0.2.11/24', '2001:db8:1::5/64', '2001:db8:1::10/64', link('eth0').addresses[4]!.address + '/64'],
  );
  assert.match(link('eth0').addresses[4]!.address, /^fe80::/);
  assert.deepEqual(link('lo').addresses.map((a) => a.address), ['127.0.0.1', '::1']);
});

test('parseIpAddrJson canonicalises addresses written in non-canonical form', () => {
  const text = JSON.stringify([{ ifname: 'x', flags: ['UP'], operstate: 'UP', addr_info: [{ family: 'inet6', local: '2001:DB8:0:0::1', prefixlen: 64 }] }]);
  assert.equal(parseIpAddrJson(text)[0]!.addresses[0]!.address, '2001:db8::1');
});

test('parseIpAddrJson skips non-IP families and unparsable addresses', () => {
  const text = JSON.stringify([{
    ifname: 'x', flags: [], operstate: 'DOWN',
    addr_info: [{ family: 'link', local: 'aa' }, { family: 'inet', local: 'nonsense', prefixlen: 24 }, { family: 'inet', local: '192.0.2.9', prefixlen: 32 }],
  }]);
  const [x] = parseIpAddrJson(text);
  assert.deepEqual(x!.addresses.map((a) => a.address), ['192.0.2.9']);
  assert.equal(x!.up, false);
  assert.equal(x!.carrier, false);
});

test('parseIpAddrJson reads empty output (no such device) as no interfaces', () => {
  assert.deepEqual(parseIpAddrJson(''), []);
  assert.deepEqual(parseIpAddrJson('\n'), []);
  assert.deepEqual(parseIpAddrJson('[]\n'), []);
});

test('parseIpAddrJson throws a SyntaxError naming the command on malformed output', () => {
  assert.throws(() => parseIpAddrJson('[{"ifname":'), (e: unknown) => e instanceof SyntaxError && /ip -j addr/.test(e.message));
  assert.throws(() => parseIpAddrJson('{"ifname":"x"}'), (e: unknown) => e instanceof SyntaxError && /expected a JSON array/.test(e.message));
});

const routes4 = parseIpRouteJson(fixture('ip-route4.json'), 4);
const routes6 = parseIpRouteJson(fixture('ip-route6.json'), 6);

test('parseIpRouteJson turns the IPv4 default route into 0.0.0.0/0 with its gateway', () => {
  assert.deepEqual(routes4[0], { dst: '0.0.0.0', prefix: 0, dev: 'eth0', prefsrc: undefined, gateway: '192.0.2.1', metric: 0, type: 'unicast' });
});

test('parseIpRouteJson turns the IPv6 default route into ::/0 with its metric', () => {
  const d = routes6.find((r) => r.prefix === 0);
  assert.deepEqual(d, { dst: '::', prefix: 0, dev: 'eth0', prefsrc: undefined, gateway: '2001:db8:1::1', metric: 1024, type: 'unicast' });
});

test('parseIpRouteJson reads a connected route with its prefsrc', () => {
  assert.deepEqual(routes4[1], { dst: '192.0.2.0', prefix: 24, dev: 'eth0', prefsrc: '192.0.2.10', gateway: undefined, metric: 0, type: 'unicast' });
});

test('parseIpRouteJson reads the gateway of a route via a router', () => {
  assert.equal(routes4.find((r) => r.dst === '198.51.100.64')?.gateway, '192.0.2.1');
  assert.equal(routes6.find((r) => r.dst === '2001:db8:3::')?.gateway, '2001:db8:1::1');
});

test('parseIpRouteJson reads a host route printed without /len as /32 and /128', () => {
  assert.ok(routes4.some((r) => r.dst === '203.0.113.7' && r.prefix === 32 && r.dev === 'eth0'));
  assert.ok(routes6.some((r) => r.dst === '2001:db8:1::99' && r.prefix === 128 && r.metric === 10));
});

test('parseIpRouteJson keeps both metrics of a destination routed twice', () => {
  const twice = routes4.filter((r) => r.dst === '203.0.113.0' && r.prefix === 24);
  assert.deepEqual(twice.map((r) => [r.dev, r.metric, r.prefsrc]), [['eth0', 50, '192.0.2.11'], ['eth1', 100, undefined]]);
});

test('parseIpRouteJson reads unreachable and blackhole routes with their type and no device', () => {
  assert.deepEqual(routes4.find((r) => r.type === 'unreachable'), { dst: '203.0.113.128', prefix: 25, dev: undefined, prefsrc: undefined, gateway: undefined, metric: 0, type: 'unreachable' });
  assert.deepEqual(routes4.find((r) => r.type === 'blackhole'), { dst: '198.51.100.128', prefix: 25, dev: undefined, prefsrc: undefined, gateway: undefined, metric: 0, type: 'blackhole' });
});

test('parseIpRouteJson keeps the type of an IPv6 unreachable route, which ip shows on dev lo', () => {
  const u = routes6.find((r) => r.type === 'unreachable');
  assert.deepEqual(u, { dst: '2001:db8:dead::', prefix: 48, dev: 'lo', prefsrc: undefined, gateway: undefined, metric: 1024, type: 'unreachable' });
});

test('parseIpRouteJson reads a route on a NO-CARRIER (linkdown) link like any other', () => {
  assert.ok(routes4.some((r) => r.dst === '198.51.100.0' && r.prefix === 24 && r.dev === 'eth1'));
});

test('parseIpRouteJson reads every route of the fixtures', () => {
  assert.equal(routes4.length, 9);
  assert.equal(routes6.length, 7);
});

test('parseIpRouteJson drops routes of the other family', () => {
  assert.deepEqual(parseIpRouteJson(fixture('ip-route6.json'), 4).filter((r) => r.prefix !== 0), []);
  assert.deepEqual(parseIpRouteJson(fixture('ip-route4.json'), 6).filter((r) => r.prefix !== 0), []);
});

test('parseIpRouteJson reads `route list match` output', () => {
  const m = parseIpRouteJson(fixture('ip-route4-match-203.0.113.7.json'), 4);
  assert.deepEqual(m.map((r) => `${r.dst}/${r.prefix}`), ['0.0.0.0/0', '203.0.113.0/24', '203.0.113.0/24', '203.0.113.7/32']);
  const m6 = parseIpRouteJson(fixture('ip-route6-match-2001.db8.1..20.json'), 6);
  assert.deepEqual(m6.map((r) => `${r.dst}/${r.prefix}`), ['2001:db8:1::/64', '::/0']);
});

test('parseIpRouteJson reads empty output as no routes and rejects malformed output', () => {
  assert.deepEqual(parseIpRouteJson('', 4), []);
  assert.throws(() => parseIpRouteJson('not json', 4), (e: unknown) => e instanceof SyntaxError && /ip -j route/.test(e.message));
});
