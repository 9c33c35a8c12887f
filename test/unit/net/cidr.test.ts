import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../../lib/net/address.ts';
import { broadcastOf, contains, maxPrefix, networkOf, parsePrefix } from '../../../lib/net/cidr.ts';

const ip = (text: string) => {
  const a = parseIp(text);
  assert.ok(a, `bad test address ${text}`);
  return a;
};

const prefixCases: { text: string; family: 4 | 6; want: number | undefined; why: string }[] = [
  { text: '24', family: 4, want: 24, why: 'a length' },
  { text: '1', family: 4, want: 1, why: 'the shortest length' },
  { text: '32', family: 4, want: 32, why: 'a host prefix' },
  { text: '0', family: 4, want: undefined, why: '0 is not a subnet' },
  { text: '33', family: 4, want: undefined, why: 'longer than IPv4' },
  { text: '255.255.255.0', family: 4, want: 24, why: 'a dotted netmask' },
  { text: '255.255.255.255', family: 4, want: 32, why: 'an all-ones netmask' },
  { text: '255.255.254.0', family: 4, want: 23, why: 'a netmask ending mid-byte' },
  { text: '128.0.0.0', family: 4, want: 1, why: 'the shortest netmask' },
  { text: '255.0.255.0', family: 4, want: undefined, why: 'a non-contiguous netmask' },
  { text: '255.255.255.1', family: 4, want: undefined, why: 'a netmask with a stray low bit' },
  { text: '0.0.0.0', family: 4, want: undefined, why: 'an empty netmask' },
  { text: '255.255.256.0', family: 4, want: undefined, why: 'a netmask with 256' },
  { text: '64', family: 6, want: 64, why: 'an IPv6 length' },
  { text: '128', family: 6, want: 128, why: 'an IPv6 host prefix' },
  { text: '129', family: 6, want: undefined, why: 'longer than IPv6' },
  { text: '0', family: 6, want: undefined, why: '0 is not a subnet' },
  { text: 'ffff:ffff:ffff:ffff::', family: 6, want: undefined, why: 'IPv6 has no netmask form' },
  { text: '255.255.255.0', family: 6, want: undefined, why: 'a dotted netmask for IPv6' },
  { text: '', family: 4, want: undefined, why: 'empty' },
  { text: '/24', family: 4, want: undefined, why: 'a slash' },
  { text: '24 ', family: 4, want: undefined, why: 'trailing space' },
  { text: '-1', family: 4, want: undefined, why: 'negative' },
  { text: '1000', family: 6, want: undefined, why: 'four digits' },
];
for (const c of prefixCases) {
  test(`parsePrefix(${JSON.stringify(c.text)}, IPv${c.family}) ${c.want === undefined ? 'rejects' : `is ${c.want}`}: ${c.why}`, () => {
    assert.equal(parsePrefix(c.text, c.family), c.want);
  });
}

test('maxPrefix is 32 for IPv4 and 128 for IPv6', () => {
  assert.equal(maxPrefix(4), 32);
  assert.equal(maxPrefix(6), 128);
});

const networkCases: [string, number, string][] = [
  ['192.0.2.130', 24, '192.0.2.0'],
  ['192.0.2.130', 25, '192.0.2.128'],
  ['192.0.2.130', 32, '192.0.2.130'],
  ['198.51.100.7', 23, '198.51.100.0'],
  ['203.0.113.255', 1, '128.0.0.0'],
  ['2001:db8:1:2::5', 64, '2001:db8:1:2::'],
  ['2001:db8:1:2::5', 48, '2001:db8:1::'],
  ['2001:db8:1:2::5', 63, '2001:db8:1:2::'],
  ['2001:db8:1:3::5', 63, '2001:db8:1:2::'],
  ['2001:db8::ffff', 128, '2001:db8::ffff'],
];
for (const [addr, prefix, want] of networkCases) {
  test(`networkOf(${addr}/${prefix}) is ${want}`, () => {
    assert.equal(networkOf(ip(addr), prefix).text, want);
  });
}

const broadcastCases: [string, number, string][] = [
  ['192.0.2.10', 24, '192.0.2.255'],
  ['192.0.2.10', 25, '192.0.2.127'],
  ['192.0.2.200', 25, '192.0.2.255'],
  ['198.51.100.1', 23, '198.51.101.255'],
  ['203.0.113.9', 30, '203.0.113.11'],
  ['203.0.113.9', 32, '203.0.113.9'],
];
for (const [addr, prefix, want] of broadcastCases) {
  test(`broadcastOf(${addr}/${prefix}) is ${want}`, () => {
    assert.equal(broadcastOf(ip(addr), prefix).text, want);
  });
}

const containsCases: [string, number, string, boolean][] = [
  ['192.0.2.0', 24, '192.0.2.77', true],
  ['192.0.2.0', 24, '192.0.3.1', false],
  ['192.0.2.5', 24, '192.0.2.200', true],
  ['192.0.2.128', 25, '192.0.2.127', false],
  ['198.51.100.0', 23, '198.51.101.9', true],
  ['203.0.113.7', 32, '203.0.113.7', true],
  ['203.0.113.7', 32, '203.0.113.8', false],
  ['2001:db8:1::', 64, '2001:db8:1::20', true],
  ['2001:db8:1::', 64, '2001:db8:2::20', false],
  ['2001:db8::', 32, '2001:db8:ffff::1', true],
  ['192.0.2.0', 24, '::ffff:192.0.2.1', false],
  ['::', 0, '192.0.2.1', false],
];
for (const [net, prefix, addr, want] of containsCases) {
  test(`contains(${net}/${prefix}, ${addr}) is ${want}`, () => {
    assert.equal(contains(ip(net), prefix, ip(addr)), want);
  });
}
