import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBytes, isLinkLocal, parseIp, sameAddress } from '../../../lib/net/address.ts';

const v4Good: [string, number[]][] = [
  ['192.0.2.1', [192, 0, 2, 1]],
  ['0.0.0.0', [0, 0, 0, 0]],
  ['255.255.255.255', [255, 255, 255, 255]],
  ['203.0.113.0', [203, 0, 113, 0]],
];
for (const [text, bytes] of v4Good) {
  test(`parseIp reads ${text} as IPv4 ${bytes.join(',')}`, () => {
    assert.deepEqual(parseIp(text), { family: 4, bytes, text });
  });
}

const v4Bad: [string, string][] = [
  ['192.0.2.256', '256 in a dotted quad'],
  ['256.0.2.1', '256 in the first byte'],
  ['192.0.2.01', 'a leading zero (octal in inet_aton)'],
  ['010.0.2.1', 'a leading zero in the first byte'],
  ['192.0.2', 'three parts'],
  ['192.0.2.1.5', 'five parts'],
  ['192.0.2.', 'an empty part'],
  ['192.0..1', 'an empty middle part'],
  ['192.0.2.1/24', 'a prefix'],
  [' 192.0.2.1', 'leading space'],
  ['192.0.2.1 ', 'trailing space'],
  ['192.0.2.-1', 'a sign'],
  ['192.0.2.0x1', 'hex'],
  ['3221225985', 'a bare number'],
  ['1234.0.2.1', 'four digits'],
  ['', 'the empty string'],
  ['host.example', 'a host name'],
];
for (const [text, why] of v4Bad) {
  test(`parseIp rejects ${JSON.stringify(text)}: ${why}`, () => {
    assert.equal(parseIp(text), undefined);
  });
}

const v6Canonical: [string, string][] = [
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2001:DB8::A', '2001:db8::a'],
  ['2001:db8::', '2001:db8::'],
  ['::', '::'],
  ['::1', '::1'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['1:0:0:0:0:0:0:0', '1::'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
  ['2001:db8::1:0:0:0:1', '2001:db8:0:1::1'],
  ['fe80::1', 'fe80::1'],
  ['FE80:0:0:0:AbCd:0:0:1', 'fe80::abcd:0:0:1'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
];
for (const [input, text] of v6Canonical) {
  test(`parseIp writes IPv6 ${input} as ${text} (RFC 5952)`, () => {
    const a = parseIp(input);
    assert.equal(a?.family, 6);
    assert.equal(a?.text, text);
    assert.equal(a?.bytes.length, 16);
  });
}

test('parseIp reads an embedded IPv4 ::ffff:192.0.2.1 into the last four bytes', () => {
  const a = parseIp('::ffff:192.0.2.1');
  assert.deepEqual(a?.bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
  assert.equal(a?.family, 6);
});

test('parseIp writes an IPv4-mapped address in mixed notation, as RFC 5952 and ip addr do', () => {
  assert.equal(parseIp('::ffff:192.0.2.1')?.text, '::ffff:192.0.2.1');
  assert.equal(parseIp('::FFFF:c000:0201')?.text, '::ffff:192.0.2.1');
  assert.equal(parseIp('0:0:0:0:0:ffff:c000:201')?.text, '::ffff:192.0.2.1');
});

test('parseIp keeps hexadecimal for other addresses that end in an embedded IPv4', () => {
  assert.equal(parseIp('64:ff9b::192.0.2.1')?.text, '64:ff9b::c000:201');
  assert.equal(parseIp('2001:db8:1:2:3:4:192.0.2.1')?.text, '2001:db8:1:2:3:4:c000:201');
});

const v6Bad: [string, string][] = [
  ['1:2:3:4:5:6:7:8:9', 'nine groups'],
  ['1:2:3:4:5:6:7', 'seven groups without ::'],
  ['1:2:3:4:5:6:7:8::', ':: with eight groups'],
  ['::1:2:3:4:5:6:7:8', ':: before eight groups'],
  ['1::2::3', 'two ::'],
  ['2001:db8::12345', 'a five-digit group'],
  ['2001:db8::g', 'a non-hex digit'],
  [':1:2:3:4:5:6:7', 'a single leading colon'],
  ['1:2:3:4:5:6:7:', 'a single trailing colon'],
  [':::1', 'three colons'],
  ['fe80::1%eth0', 'a zone index'],
  ['2001:db8::/64', 'a prefix'],
  ['::ffff:192.0.2.256', 'an embedded IPv4 with 256'],
  ['::ffff:192.0.2', 'an embedded IPv4 with three parts'],
  ['::192.0.2.1:1', 'an embedded IPv4 not at the end'],
  ['1:2:3:4:5:6:7:192.0.2.1', 'an embedded IPv4 after seven groups'],
  [':', 'a lone colon'],
];
for (const [text, why] of v6Bad) {
  test(`parseIp rejects ${JSON.stringify(text)}: ${why}`, () => {
    assert.equal(parseIp(text), undefined);
  });
}

test('fromBytes builds canonical IPv4 and IPv6 addresses', () => {
  assert.equal(fromBytes([198, 51, 100, 7]).text, '198.51.100.7');
  assert.equal(fromBytes([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).text, '2001:db8::1');
  assert.equal(fromBytes([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).family, 6);
});

const sameCases: [string, string, boolean][] = [
  ['2001:db8::1', '2001:DB8:0:0:0:0:0:1', true],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', true],
  ['::ffff:192.0.2.1', '::ffff:c000:201', true],
  ['192.0.2.1', '192.0.2.1', true],
  ['192.0.2.1', '192.0.2.2', false],
  ['192.0.2.1', '::ffff:192.0.2.1', false],
  ['192.0.2.01', '192.0.2.1', false],
  ['garbage', 'garbage', false],
];
for (const [a, b, want] of sameCases) {
  test(`sameAddress(${a}, ${b}) is ${want}`, () => {
    assert.equal(sameAddress(a, b), want);
  });
}

const linkLocalCases: [string, boolean][] = [
  ['fe80::1', true],
  ['febf:ffff::1', true],
  ['fec0::1', false],
  ['fe7f::1', false],
  ['2001:db8::1', false],
  ['169.254.1.1', true],
  ['169.253.1.1', false],
  ['192.0.2.1', false],
];
for (const [text, want] of linkLocalCases) {
  test(`isLinkLocal(${text}) is ${want}`, () => {
    assert.equal(isLinkLocal(parseIp(text)!), want);
  });
}
