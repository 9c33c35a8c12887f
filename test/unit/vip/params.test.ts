import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVipParams, vipFromV1Args, vipSchema, vipV1Instance } from '../../../lib/vip/params.ts';
import { OcfError } from '../../../lib/ocf/ocf-error.ts';

type Raw = Record<string, string>;

test('parseVipParams applies the IPaddr2 defaults to a bare IPv4 address', () => {
  const p = parseVipParams({ ip: '192.0.2.10' });
  assert.equal(p.address.text, '192.0.2.10');
  assert.equal(p.address.family, 4);
  assert.equal(p.prefix, undefined);
  assert.equal(p.nic, '');
  assert.equal(p.iflabel, '');
  assert.equal(p.broadcast, '');
  assert.equal(p.arp_count, 5);
  assert.equal(p.arp_interval, 200);
  assert.equal(p.arp_count_refresh, 0);
  assert.equal(p.preferred_lft, 'forever');
  assert.equal(p.dad, true);
  assert.equal(p.arpBackground, true);
  assert.equal('cidr_netmask' in p, false);
  assert.equal('arp_bg' in p, false);
});

test('parseVipParams canonicalises an IPv6 address and keeps what the user typed in ip', () => {
  const p = parseVipParams({ ip: '2001:DB8:0:0::10', cidr_netmask: '64' });
  assert.equal(p.address.text, '2001:db8::10');
  assert.equal(p.ip, '2001:DB8:0:0::10');
  assert.equal(p.prefix, 64);
});

const arpBgCases: { raw: Raw; want: boolean; why: string }[] = [
  { raw: { ip: '192.0.2.10' }, want: true, why: 'empty is true for IPv4' },
  { raw: { ip: '2001:db8::10' }, want: false, why: 'empty is false for IPv6' },
  { raw: { ip: '192.0.2.10', arp_bg: 'false' }, want: false, why: 'false turns it off for IPv4' },
  { raw: { ip: '2001:db8::10', arp_bg: 'true' }, want: true, why: 'true turns it on for IPv6' },
  { raw: { ip: '192.0.2.10', arp_bg: 'no' }, want: false, why: 'no is false' },
  { raw: { ip: '192.0.2.10', arp_bg: 'OFF' }, want: false, why: 'OFF is false' },
  { raw: { ip: '192.0.2.10', arp_bg: 'nein' }, want: false, why: 'nein is an ocf_is_true false word' },
  { raw: { ip: '2001:db8::10', arp_bg: 'ja' }, want: true, why: 'ja is an ocf_is_true true word' },
  { raw: { ip: '2001:db8::10', arp_bg: 'TRUE' }, want: true, why: 'TRUE is true' },
  { raw: { ip: '2001:db8::10', arp_bg: '1' }, want: true, why: '1 is true' },
];
for (const c of arpBgCases) {
  test(`parseVipParams arp_bg: ${c.why}`, () => {
    assert.equal(parseVipParams(c.raw).arpBackground, c.want);
  });
}

const prefixCases: { raw: Raw; want: number; why: string }[] = [
  { raw: { ip: '192.0.2.10', cidr_netmask: '24' }, want: 24, why: 'a prefix length' },
  { raw: { ip: '192.0.2.10', cidr_netmask: '255.255.255.128' }, want: 25, why: 'a dotted netmask' },
  { raw: { ip: '192.0.2.10', netmask: '255.255.255.0' }, want: 24, why: 'the legacy netmask alias' },
  { raw: { ip: '192.0.2.10', netmask: '26' }, want: 26, why: 'the legacy alias as a length' },
  { raw: { ip: '192.0.2.10', cidr_netmask: '28', netmask: '24' }, want: 28, why: 'cidr_netmask wins over netmask' },
  { raw: { ip: '192.0.2.10', cidr_netmask: '', netmask: '24' }, want: 24, why: 'an empty cidr_netmask falls back to netmask' },
  { raw: { ip: '2001:db8::10', cidr_netmask: '128' }, want: 128, why: 'an IPv6 host prefix' },
];
for (const c of prefixCases) {
  test(`parseVipParams reads prefix ${c.want} from ${c.why}`, () => {
    assert.equal(parseVipParams(c.raw).prefix, c.want);
  });
}

test('parseVipParams splits the deprecated nic=eth0:label into nic and iflabel', () => {
  const p = parseVipParams({ ip: '192.0.2.10', nic: 'eth0:vip' });
  assert.equal(p.nic, 'eth0');
  assert.equal(p.iflabel, 'vip');
});

test('parseVipParams keeps an explicit iflabel over the label in nic=eth0:label', () => {
  const p = parseVipParams({ ip: '192.0.2.10', nic: 'eth0:old', iflabel: 'new' });
  assert.equal(p.nic, 'eth0');
  assert.equal(p.iflabel, 'new');
});

test('parseVipParams accepts a label of exactly 15 characters with its nic', () => {
  assert.equal(parseVipParams({ ip: '192.0.2.10', nic: 'eth0', iflabel: 'abcdefghij' }).iflabel, 'abcdefghij');
});

test('parseVipParams accepts a link-local IPv6 address when nic is given', () => {
  const p = parseVipParams({ ip: 'fe80::10', nic: 'eth0' });
  assert.equal(p.address.text, 'fe80::10');
  assert.equal(p.nic, 'eth0');
});

test('parseVipParams accepts broadcast +, - and an IPv4 address', () => {
  for (const b of ['+', '-', '192.0.2.255']) assert.equal(parseVipParams({ ip: '192.0.2.10', broadcast: b }).broadcast, b);
});

test('parseVipParams accepts preferred_lft forever and a number of seconds', () => {
  assert.equal(parseVipParams({ ip: '2001:db8::10', preferred_lft: '0' }).preferred_lft, '0');
  assert.equal(parseVipParams({ ip: '2001:db8::10', preferred_lft: '3600' }).preferred_lft, '3600');
});

// Every bad input is OCF_ERR_CONFIGURED (6) with the parameter and the value named.
const badCases: { name: string; raw: Raw; mentions: string[] }[] = [
  { name: 'a missing ip', raw: {}, mentions: ['ip', 'required'] },
  { name: 'an empty ip', raw: { ip: '' }, mentions: ['ip', 'required'] },
  { name: 'a malformed IPv4 address (256)', raw: { ip: '192.0.2.256' }, mentions: ["ip='192.0.2.256'"] },
  { name: 'an IPv4 address with a leading zero', raw: { ip: '192.0.2.010' }, mentions: ["ip='192.0.2.010'"] },
  { name: 'a host name', raw: { ip: 'vip.example.com' }, mentions: ["ip='vip.example.com'"] },
  { name: 'an IPv6 address with too many groups', raw: { ip: '2001:db8:1:2:3:4:5:6:7' }, mentions: ["ip='2001:db8:1:2:3:4:5:6:7'"] },
  { name: 'an address with the prefix in ip', raw: { ip: '192.0.2.10/24' }, mentions: ["ip='192.0.2.10/24'"] },
  { name: 'prefix 0', raw: { ip: '192.0.2.10', cidr_netmask: '0' }, mentions: ["cidr_netmask='0'", '1-32'] },
  { name: 'prefix 33 for IPv4', raw: { ip: '192.0.2.10', cidr_netmask: '33' }, mentions: ["cidr_netmask='33'", '1-32'] },
  { name: 'prefix 129 for IPv6', raw: { ip: '2001:db8::10', cidr_netmask: '129' }, mentions: ["cidr_netmask='129'", '1-128'] },
  { name: 'a non-contiguous netmask', raw: { ip: '192.0.2.10', cidr_netmask: '255.0.255.0' }, mentions: ["cidr_netmask='255.0.255.0'"] },
  { name: 'a dotted netmask for IPv6', raw: { ip: '2001:db8::10', cidr_netmask: '255.255.255.0' }, mentions: ["cidr_netmask='255.255.255.0'"] },
  { name: 'a bad legacy netmask', raw: { ip: '192.0.2.10', netmask: 'wide' }, mentions: ["cidr_netmask='wide'"] },
  { name: 'a broadcast that is no address', raw: { ip: '192.0.2.10', broadcast: 'all' }, mentions: ["broadcast='all'"] },
  { name: 'a broadcast with 256', raw: { ip: '192.0.2.10', broadcast: '192.0.2.256' }, mentions: ["broadcast='192.0.2.256'"] },
  { name: 'an IPv6 broadcast', raw: { ip: '192.0.2.10', broadcast: '2001:db8::ff' }, mentions: ["broadcast='2001:db8::ff'"] },
  { name: 'a label over 15 characters with its nic', raw: { ip: '192.0.2.10', nic: 'eth0', iflabel: 'abcdefghijk' }, mentions: ["iflabel='abcdefghijk'", 'eth0:abcdefghijk', '15'] },
  { name: 'a label over 15 characters from nic=eth0:label', raw: { ip: '192.0.2.10', nic: 'eth0:abcdefghijk' }, mentions: ["iflabel='abcdefghijk'", '15'] },
  { name: 'a label that cannot fit with any nic', raw: { ip: '192.0.2.10', iflabel: 'abcdefghijklmn' }, mentions: ["iflabel='abcdefghijklmn'"] },
  { name: 'a link-local IPv6 address without nic', raw: { ip: 'fe80::10' }, mentions: ["nic=''", 'fe80::10'] },
  { name: 'an interface name with a space', raw: { ip: '192.0.2.10', nic: 'eth 0' }, mentions: ["nic='eth 0'"] },
  { name: 'an interface name over 15 characters', raw: { ip: '192.0.2.10', nic: 'averyveryverylongnic' }, mentions: ["nic='averyveryverylongnic'"] },
  { name: 'an arp_bg that is no boolean', raw: { ip: '192.0.2.10', arp_bg: 'maybe' }, mentions: ["arp_bg='maybe'"] },
  { name: 'an arp_bg spelled Yes (false to ocf_is_true, so not guessed)', raw: { ip: '192.0.2.10', arp_bg: 'Yes' }, mentions: ["arp_bg='Yes'"] },
  { name: 'a preferred_lft that is no number', raw: { ip: '2001:db8::10', preferred_lft: 'soon' }, mentions: ["preferred_lft='soon'", 'forever'] },
  { name: 'a negative preferred_lft', raw: { ip: '2001:db8::10', preferred_lft: '-1' }, mentions: ["preferred_lft='-1'"] },
  { name: 'arp_count 0', raw: { ip: '192.0.2.10', arp_count: '0' }, mentions: ["arp_count='0'", 'at least 1'] },
  { name: 'arp_interval below 10 ms', raw: { ip: '192.0.2.10', arp_interval: '5' }, mentions: ["arp_interval='5'"] },
  { name: 'a dad value that is no boolean', raw: { ip: '192.0.2.10', dad: 'Yes' }, mentions: ["dad='Yes'"] },
];
for (const c of badCases) {
  test(`parseVipParams rejects ${c.name} with code 6`, () => {
    assert.throws(
      () => parseVipParams(c.raw),
      (e: unknown) => {
        assert.ok(e instanceof OcfError, String(e));
        assert.equal(e.code, 6);
        for (const m of c.mentions) assert.ok(e.message.includes(m), `"${e.message}" lacks "${m}"`);
        return true;
      },
    );
  });
}

const v1Cases: { arg: string; want: Raw }[] = [
  { arg: '192.0.2.110/24/eth0/192.0.2.255', want: { ip: '192.0.2.110', cidr_netmask: '24', nic: 'eth0', broadcast: '192.0.2.255' } },
  { arg: '192.0.2.110/24/192.0.2.255', want: { ip: '192.0.2.110', cidr_netmask: '24', broadcast: '192.0.2.255' } },
  { arg: '192.0.2.110/24/eth0', want: { ip: '192.0.2.110', cidr_netmask: '24', nic: 'eth0' } },
  { arg: '192.0.2.110/24/eth0:1', want: { ip: '192.0.2.110', cidr_netmask: '24', nic: 'eth0:1' } },
  { arg: '192.0.2.110/24', want: { ip: '192.0.2.110', cidr_netmask: '24' } },
  { arg: '192.0.2.110/255.255.255.0', want: { ip: '192.0.2.110', cidr_netmask: '255.255.255.0' } },
  { arg: '192.0.2.110', want: { ip: '192.0.2.110' } },
  { arg: '192.0.2.110//eth0', want: { ip: '192.0.2.110', nic: 'eth0' } },
];
for (const c of v1Cases) {
  test(`vipFromV1Args maps ${c.arg}`, () => {
    assert.deepEqual(vipFromV1Args([c.arg]), c.want);
  });
}

test('vipFromV1Args reads only the first positional argument', () => {
  assert.deepEqual(vipFromV1Args(['192.0.2.110/24', 'extra']), { ip: '192.0.2.110', cidr_netmask: '24' });
});

test('vipFromV1Args gives an empty ip without arguments, which parsing then rejects', () => {
  assert.deepEqual(vipFromV1Args([]), { ip: '' });
  assert.throws(() => parseVipParams(vipFromV1Args([])), (e: unknown) => e instanceof OcfError && e.code === 6);
});

test('a v1 argument with nic=eth0:1 parses to nic eth0, label 1, prefix and broadcast', () => {
  const p = parseVipParams(vipFromV1Args(['192.0.2.110/24/eth0:1/192.0.2.255']));
  assert.equal(p.nic, 'eth0');
  assert.equal(p.iflabel, '1');
  assert.equal(p.prefix, 24);
  assert.equal(p.broadcast, '192.0.2.255');
});

test('vipV1Instance names the instance IPaddr_<ip> as the heartbeat wrappers do', () => {
  assert.equal(vipV1Instance({ ip: '192.0.2.110', cidr_netmask: '24' }), 'IPaddr_192.0.2.110');
  assert.equal(vipV1Instance(vipFromV1Args(['192.0.2.110/24/eth0'])), 'IPaddr_192.0.2.110');
});

test('vipSchema marks ip required and unique and nothing else required', () => {
  assert.equal(vipSchema.ip.required, true);
  assert.equal(vipSchema.ip.unique, true);
  const required = Object.entries(vipSchema).filter(([, s]) => 'required' in s && s.required).map(([n]) => n);
  assert.deepEqual(required, ['ip']);
});

const dadCases: { raw: Raw; want: boolean | RegExp; why: string }[] = [
  { raw: { ip: '192.0.2.10' }, want: true, why: 'probing is the default' },
  { raw: { ip: '192.0.2.10', dad: 'false' }, want: false, why: 'dad=false skips the probe' },
  { raw: { ip: '192.0.2.10', run_arping: 'false' }, want: false, why: "IPaddr2's run_arping=false skips the IPv4 probe" },
  { raw: { ip: '192.0.2.10', run_arping: 'true' }, want: true, why: 'run_arping=true probes' },
  { raw: { ip: '192.0.2.10', nodad: 'true' }, want: true, why: 'nodad is for IPv6 only' },
  { raw: { ip: '2001:db8::10', nodad: 'true' }, want: false, why: "IPaddr2's nodad=true skips IPv6 DAD" },
  { raw: { ip: '2001:db8::10', run_arping: 'false' }, want: true, why: 'run_arping is for IPv4 only' },
  { raw: { ip: '192.0.2.10', dad: 'false', run_arping: 'no' }, want: false, why: 'agreeing values' },
  { raw: { ip: '192.0.2.10', dad: 'true', run_arping: 'false' }, want: /run_arping='false': it contradicts dad='true'/, why: 'contradicting values' },
  { raw: { ip: '2001:db8::10', dad: 'true', nodad: 'yes' }, want: /nodad='yes': it contradicts dad='true'/, why: 'contradicting values (IPv6)' },
  { raw: { ip: '192.0.2.10', run_arping: 'maybe' }, want: /run_arping='maybe': not a boolean/, why: 'not a boolean' },
];

test('parseVipParams(): dad, and IPaddr2\'s run_arping (IPv4) and nodad (IPv6) as its other names (table)', () => {
  for (const c of dadCases) {
    if (c.want instanceof RegExp) {
      assert.throws(() => parseVipParams(c.raw), (e: Error) => e instanceof OcfError && e.code === 6 && (c.want as RegExp).test(e.message), c.why);
    } else {
      assert.equal(parseVipParams(c.raw).dad, c.want, c.why);
    }
  }
});
