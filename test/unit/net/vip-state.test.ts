// Links are real `ip -j addr` output (test/unit/fixtures/capture-ip.sh): eth0 carries 192.0.2.10/24,
// secondary 192.0.2.11/24 (label eth0:vip), 2001:db8:1::10/64 and 2001:db8:1::5/64 (dadfailed);
// eth1 (NO-CARRIER) carries 198.51.100.10/24 and 2001:db8:2::10/64 (tentative).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIpAddrJson } from '../../../lib/net/ip-json.ts';
import { findAddress, MAX_LABEL, vipState } from '../../../lib/net/vip-state.ts';

const links = parseIpAddrJson(readFileSync(new URL('../fixtures/ip-addr.json', import.meta.url), 'utf8'));

const cases: { name: string; address: string; nic: string | undefined; prefix: number | undefined; kind: string; on?: string }[] = [
  { name: 'an address on no interface is absent', address: '192.0.2.99', nic: 'eth0', prefix: 24, kind: 'absent' },
  { name: 'an address on the wanted nic with the wanted prefix is served', address: '192.0.2.10', nic: 'eth0', prefix: 24, kind: 'served', on: 'eth0' },
  { name: 'a secondary address with a label counts as served', address: '192.0.2.11', nic: 'eth0', prefix: 24, kind: 'served', on: 'eth0' },
  { name: 'any nic and any prefix accept the address wherever it is', address: '198.51.100.10', nic: undefined, prefix: undefined, kind: 'served', on: 'eth1' },
  { name: 'an address on another nic is elsewhere', address: '198.51.100.10', nic: 'eth0', prefix: 24, kind: 'elsewhere' },
  { name: 'an address with another prefix is elsewhere', address: '192.0.2.10', nic: 'eth0', prefix: 25, kind: 'elsewhere' },
  { name: 'an IPv6 address whose DAD failed is dadfailed', address: '2001:db8:1::5', nic: 'eth0', prefix: 64, kind: 'dadfailed', on: 'eth0' },
  { name: 'a DAD-failed address with another prefix is elsewhere, not dadfailed', address: '2001:db8:1::5', nic: 'eth0', prefix: 128, kind: 'elsewhere' },
  { name: 'a tentative IPv6 address is served (DAD still running)', address: '2001:db8:2::10', nic: 'eth1', prefix: 64, kind: 'served', on: 'eth1' },
  { name: 'a settled IPv6 address is served', address: '2001:db8:1::10', nic: 'eth0', prefix: 64, kind: 'served', on: 'eth0' },
  { name: 'the wanted nic alone is enough when the prefix is open', address: '192.0.2.10', nic: 'eth0', prefix: undefined, kind: 'served', on: 'eth0' },
];
for (const c of cases) {
  test(`vipState: ${c.name}`, () => {
    const s = vipState(links, c.address, c.nic, c.prefix);
    assert.equal(s.kind, c.kind);
    if (s.kind === 'served' || s.kind === 'dadfailed') {
      assert.equal(s.entry.ifname, c.on);
      assert.equal(s.entry.address, c.address);
    }
  });
}

test('vipState lists every entry of an address found elsewhere', () => {
  const s = vipState(links, '198.51.100.10', 'eth0', undefined);
  assert.equal(s.kind, 'elsewhere');
  assert.deepEqual(s.kind === 'elsewhere' ? s.entries.map((e) => `${e.ifname} ${e.address}/${e.prefix}`) : [], ['eth1 198.51.100.10/24']);
});

test('vipState picks the wanted copy when the address sits on two interfaces', () => {
  const both = parseIpAddrJson(JSON.stringify([
    { ifname: 'eth0', flags: ['UP'], operstate: 'UP', addr_info: [{ family: 'inet', local: '203.0.113.5', prefixlen: 32 }] },
    { ifname: 'eth1', flags: ['UP'], operstate: 'UP', addr_info: [{ family: 'inet', local: '203.0.113.5', prefixlen: 24 }] },
  ]));
  const s = vipState(both, '203.0.113.5', 'eth1', 24);
  assert.equal(s.kind, 'served');
  assert.equal(s.kind === 'served' ? s.entry.ifname : '', 'eth1');
});

test('vipState finds nothing on an empty interface list', () => {
  assert.deepEqual(vipState([], '192.0.2.10', undefined, undefined), { kind: 'absent' });
});

test('findAddress matches canonical text only (callers pass parseIp(...).text)', () => {
  assert.equal(findAddress(links, '2001:db8:1::10').length, 1);
  assert.equal(findAddress(links, '2001:DB8:1:0::10').length, 0);
  assert.deepEqual(findAddress(links, '192.0.2.10').map((a) => a.ifname), ['eth0']);
});

test('MAX_LABEL is the kernel limit of 15 characters', () => {
  assert.equal(MAX_LABEL, 15);
});
