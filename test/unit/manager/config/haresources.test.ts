import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseHaresources, parseResourceToken } from '../../../../lib/manager/config/haresources.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';

const NODES = ['node1', 'node2'];

const tokens: [string, unknown][] = [
  ['192.0.2.10', { kind: 'v1', name: 'IPaddr', args: ['192.0.2.10'], text: '192.0.2.10' }],
  ['192.0.2.10/24/eth0', { kind: 'v1', name: 'IPaddr', args: ['192.0.2.10/24/eth0'], text: '192.0.2.10/24/eth0' }],
  ['IPaddr2::192.0.2.10/24/eth0', { kind: 'v1', name: 'IPaddr2', args: ['192.0.2.10/24/eth0'], text: 'IPaddr2::192.0.2.10/24/eth0' }],
  ['Filesystem::/dev/sdb1::/data::ext4', { kind: 'v1', name: 'Filesystem', args: ['/dev/sdb1', '/data', 'ext4'], text: 'Filesystem::/dev/sdb1::/data::ext4' }],
  ['apache', { kind: 'v1', name: 'apache', args: [], text: 'apache' }],
  ['ocf:pgbeat:postgresql::pgdata=/var/lib/pg::sync_mode=strict', { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/var/lib/pg', sync_mode: 'strict' }, text: 'ocf:pgbeat:postgresql::pgdata=/var/lib/pg::sync_mode=strict' }],
  ['ocf:heartbeat:IPaddr2::ip=192.0.2.10::cidr_netmask=24', { kind: 'ocf', provider: 'heartbeat', type: 'IPaddr2', params: { ip: '192.0.2.10', cidr_netmask: '24' }, text: 'ocf:heartbeat:IPaddr2::ip=192.0.2.10::cidr_netmask=24' }],
  ['ocf:pgbeat:IPaddr', { kind: 'ocf', provider: 'pgbeat', type: 'IPaddr', params: {}, text: 'ocf:pgbeat:IPaddr' }],
  ['ocf:x:y::a=b=c', { kind: 'ocf', provider: 'x', type: 'y', params: { a: 'b=c' }, text: 'ocf:x:y::a=b=c' }],
  ['ocf:IPaddr2', 'OCF resource "ocf:IPaddr2" must read ocf:<provider>:<type>[::name=value...]'],
  ['ocf:pgbeat:postgresql::pgdata', 'OCF parameter "pgdata" in "ocf:pgbeat:postgresql::pgdata" must read name=value'],
  ['ocf:pgbeat:postgresql::a=1::a=2', 'OCF parameter a is given twice in "ocf:pgbeat:postgresql::a=1::a=2"'],
  ['../bin/sh::x', 'resource "../bin/sh::x": "../bin/sh" is not a script name (Name or Name::arg::arg)'],
  ['drbddisk::::r0', 'resource "drbddisk::::r0" has an empty argument (a stray ::)'],
];
for (const [token, want] of tokens) {
  test(`parseResourceToken(${JSON.stringify(token)})`, () => {
    assert.deepEqual(parseResourceToken(token), want);
  });
}

test('parseHaresources reads groups with continuation, comments, a lowercased node and the key as written', () => {
  const text = [
    '# comment', '', 'NODE1 192.0.2.10/24/eth0 \\', '   ocf:pgbeat:postgresql::pgdata=/pg  # trailing', '\tnode2\tapache  Delay::5::0',
  ].join('\n');
  const r = parseHaresources(text, 'haresources', NODES);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.groups.map((g) => [g.key, g.preferredNode, g.resources.map((x) => x.text), g.at]), [
    ['192.0.2.10/24/eth0', 'node1', ['192.0.2.10/24/eth0', 'ocf:pgbeat:postgresql::pgdata=/pg'], 'haresources:3'],
    ['apache', 'node2', ['apache', 'Delay::5::0'], 'haresources:5'],
  ]);
});

const bad: [string, string, string[]][] = [
  ['an unknown preferred node', 'node3 apache\n', ['haresources:1: first field "node3" is not a node of ha.cf (node1, node2); a group line starts with its preferred node']],
  ['a node without resources', 'node1\n', ['haresources:1: group of node1 has no resources']],
  ['a duplicate group key (case-insensitive)', 'node1 apache\nnode2 Apache\n', ['haresources:2: group key Apache (the first resource) is already the key of the group at line 1; keys must be unique']],
  ['a key reused as a later resource', 'node1 apache\nnode2 mysql apache\n', ['haresources:2: resource apache is the key of the group at line 1; heartbeat would match both lines']],
  ['a bad token on a continued line', 'node1 apache \\\n  ocf:x\n', ['haresources:1: OCF resource "ocf:x" must read ocf:<provider>:<type>[::name=value...]']],
];
for (const [why, text, want] of bad) {
  test(`parseHaresources reports ${why} with its line`, () => {
    assert.deepEqual(parseHaresources(text, 'haresources', NODES).problems.map(formatProblem), want);
  });
}

test('the repository haresources.example parses without problems', () => {
  const text = readFileSync(new URL('../../../../haresources.example', import.meta.url), 'utf8');
  const r = parseHaresources(text, 'haresources.example', NODES);
  assert.deepEqual(r.problems, []);
  assert.equal(r.groups.length, 1);
  assert.deepEqual(r.groups[0]!.resources, [{ kind: 'v1', name: 'pgbeat-IPaddr', args: ['192.0.2.10/24/eth0'], text: 'pgbeat-IPaddr::192.0.2.10/24/eth0' }]);
  assert.equal(r.groups[0]!.preferredNode, 'node1');
});
