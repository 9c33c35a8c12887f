import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupConfig, ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import { dropAddressesPlan, giveUpPlan, monitorPlan, preparePlan, releasePlan, restartPlan, takePlan, type GroupPlan } from '../../../../lib/manager/resources/group-plan.ts';
import { parseContext } from '../../../../lib/ocf/context.ts';
import { parseNotification } from '../../../../lib/ocf/notify.ts';
import { effectiveMode } from '../../../../lib/postgresql/run-mode.ts';
import { defaultResolveOptions, resolveInvocation } from '../../../../lib/manager/resources/invocation.ts';
import { stoppedPeers } from '../../../../lib/postgresql/stopped-peers.ts';
import { peersWithout } from '../../../../lib/manager/resources/postgresql-resource.ts';

const v1 = (name: string, ...args: string[]): ResourceSpec => ({ kind: 'v1', name, args, text: [name, ...args].join('::') });
const PG: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg' };
const IP: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'IPaddr', params: { ip: '192.0.2.10' }, text: 'ocf:pgbeat:IPaddr::ip=192.0.2.10' };
const APP = v1('app', 'x');
const group = (...resources: ResourceSpec[]): GroupConfig => ({ key: resources[0]!.text, preferredNode: 'node1', resources, at: 'haresources:1' });
const G = group(PG, IP, APP);
const C = { node: 'node2', nodes: ['node1', 'node2'] };

// Steps as "action index" words, notifications included.
const shape = (p: GroupPlan): string => p.steps.map((s) => `${s.action}${s.index}${s.action === 'notify' ? `-${s.env?.['OCF_RESKEY_CRM_meta_notify_type']}` : ''}`).join(' ');
const policies = (p: GroupPlan): string => p.steps.map((s) => s.onFailure).join(' ');

const cases: { name: string; plan: GroupPlan; shape: string; policies?: string; reason: RegExp }[] = [
  {
    name: 'take: left to right; postgresql is started (idempotent) and promoted between its notifications',
    plan: takePlan(G, C),
    shape: 'start0 notify0-pre promote0 notify0-post start1 start2',
    policies: 'abort ignore abort ignore abort abort',
    reason: /take .* on node2: start postgresql_pg, promote postgresql_pg, start ocf:pgbeat:IPaddr::ip=192.0.2.10, start app::x, left to right/,
  },
  {
    name: 'take when the probe saw the standby running, without notifications: the promotion alone',
    plan: takePlan(G, C, { standbyRunning: true, notify: false }),
    shape: 'promote0 start1 start2',
    reason: /promote postgresql_pg, start/,
  },
  {
    name: 'take of a group without a database: plain starts',
    plan: takePlan(group(IP, APP), C),
    shape: 'start0 start1',
    reason: /left to right/,
  },
  {
    name: 'release: right to left; postgresql demoted, never stopped; stops retried then fenced',
    plan: releasePlan(G),
    shape: 'stop2 stop1 demote0',
    policies: 'retry-then-fence retry-then-fence retry-then-fence',
    reason: /release .*: stop app::x, stop ocf:pgbeat:IPaddr::ip=192.0.2.10, demote postgresql_pg, right to left/,
  },
  {
    name: 'urgent release (lease ending) with the database first in the group: the address goes first all the same',
    plan: releasePlan(group(PG, IP, APP), { stopDatabase: true, addressFirst: true }),
    shape: 'stop1 stop2 stop0',
    reason: /addresses first, then right to left/,
  },
  { name: 'urgent release with two addresses: both first, right to left', plan: releasePlan(group(IP, PG, v1('IPaddr', '192.0.2.11')), { addressFirst: true }), shape: 'stop2 stop0 demote1', reason: /addresses first/ },
  { name: 'the urgent part alone: only the addresses', plan: dropAddressesPlan(G), shape: 'stop1', reason: /drop the addresses of .*: stop ocf:pgbeat:IPaddr/ },
  { name: 'the urgent part of a group without an address: nothing', plan: dropAddressesPlan(group(PG, APP)), shape: '', reason: /: none/ },
  { name: 'release with stopDatabase: postgresql stopped', plan: releasePlan(G, { stopDatabase: true }), shape: 'stop2 stop1 stop0', reason: /stop postgresql_pg/ },
  { name: 'prepare: only postgresql, started as a standby', plan: preparePlan(G), shape: 'start0', policies: 'abort', reason: /as a standby/ },
  { name: 'prepare without a database: nothing', plan: preparePlan(group(IP)), shape: '', reason: /nothing runs before the group is taken/ },
  { name: 'monitor where held: every resource (v1 status, OCF monitor)', plan: monitorPlan(G, true, 5_000), shape: 'monitor0 monitor1 status2', reason: /held here/ },
  { name: 'monitor elsewhere: only postgresql', plan: monitorPlan(G, false, 5_000), shape: 'monitor0', reason: /standby side/ },
  {
    name: 'restart where held from the address: its right side and itself go down, then come up',
    plan: restartPlan(G, 1, true, C),
    shape: 'stop2 stop1 start1 start2',
    reason: /restart .* in place from ocf:pgbeat:IPaddr/,
  },
  {
    name: 'restart where held from postgresql: stopped (a crashed primary cannot demote), started, promoted',
    plan: restartPlan(G, 0, true, C),
    shape: 'stop2 stop1 stop0 start0 notify0-pre promote0 notify0-post start1 start2',
    reason: /from postgresql_pg/,
  },
  { name: 'restart on the standby side: only postgresql', plan: restartPlan(G, 0, false, C), shape: 'stop0 start0', reason: /restart/ },
];
test('peersWithout drops the named node from the agent\'s peers value, whatever its case and blanks', () => {
  for (const [peers, node, want] of [
    ['castor=192.0.2.11,pollux=192.0.2.12', 'castor', 'pollux=192.0.2.12'],
    [' castor=192.0.2.11 , Pollux=192.0.2.12:5433 ', 'pollux', 'castor=192.0.2.11'],
    ['castor=192.0.2.11', 'castor', ''],
    ['castor=192.0.2.11', 'gamma', 'castor=192.0.2.11'],
  ] as const) assert.equal(peersWithout(peers, node), want, `${peers} without ${node}`);
});

test('take with the peer known down: the promotion alone gets peers without it', () => {
  const pg: ResourceSpec = { ...PG, params: { pgdata: '/pg', peers: 'node1=192.0.2.1,node2=192.0.2.2' } } as ResourceSpec;
  const p = takePlan(group(pg, IP), C, { peerDown: 'node1', notify: false });
  assert.deepEqual(p.steps.map((s) => `${s.action}:${s.env?.['OCF_RESKEY_peers'] ?? '-'}`), ['start:-', 'promote:node2=192.0.2.2', 'start:-']);
  assert.ok(takePlan(group(pg, IP), C).steps.every((s) => s.env?.['OCF_RESKEY_peers'] === undefined), 'peers untouched when the peer is not known down');
});

test('take bound to the lease: the promote and the address start are guarded, nothing else; dad=false reaches OCF addresses only', () => {
  const p = takePlan(group(PG, IP, v1('IPaddr', '192.0.2.11'), APP), C, { guarded: true, dad: false, notify: false });
  assert.deepEqual(p.steps.map((s) => `${s.action}${s.index}${s.guarded ? '!' : ''}`), ['start0', 'promote0!', 'start1!', 'start2!', 'start3']);
  assert.deepEqual(p.steps.map((s) => s.env?.['OCF_RESKEY_dad'] ?? '-'), ['-', '-', 'false', '-', '-']);
  const plain = takePlan(G, C);
  assert.ok(plain.steps.every((s) => s.guarded === undefined && s.env?.['OCF_RESKEY_dad'] === undefined), 'no guard, no dad override unless asked');
});

for (const c of cases) {
  test(`group plan, ${c.name}`, () => {
    assert.equal(shape(c.plan), c.shape);
    if (c.policies) assert.equal(policies(c.plan), c.policies);
    assert.match(c.plan.reason, c.reason);
  });
}

test('monitor expects postgresql promoted (8) where held and a standby (0) elsewhere, with the interval', () => {
  assert.deepEqual(monitorPlan(G, true, 5_000).steps[0]!.ok, [8]);
  assert.deepEqual(monitorPlan(G, false, 5_000).steps[0]!.ok, [0]);
  assert.equal(monitorPlan(G, true, 5_000).steps[1]!.env?.['OCF_RESKEY_CRM_meta_interval'], '5000');
});

const giveUpCases: { name: string; plan: GroupPlan; attempted: number; shape: string }[] = [
  { name: 'take failed at the address after the promotion: demote postgresql, stop the address', plan: takePlan(G, C), attempted: 5, shape: 'stop1 demote0' },
  { name: 'take failed at the last start: everything down, right to left', plan: takePlan(G, C), attempted: 6, shape: 'stop2 stop1 demote0' },
  { name: 'take failed at the promotion: demote (it may be half-way)', plan: takePlan(G, C), attempted: 3, shape: 'demote0' },
  { name: 'take failed at the standby start: nothing to give up', plan: takePlan(G, C), attempted: 1, shape: '' },
  { name: 'take of a plain group failed at the first start: stop it', plan: takePlan(group(IP, APP), C), attempted: 1, shape: 'stop0' },
  { name: 'restart failed: the whole group goes down, postgresql stopped', plan: restartPlan(G, 1, true, C), attempted: 3, shape: 'stop2 stop1 stop0' },
];
for (const c of giveUpCases) {
  test(`give-up: ${c.name}`, () => {
    const g = c.plan.steps.some((s) => s.index === 2) || c.plan.kind === 'restart' ? G : group(IP, APP);
    const p = giveUpPlan(c.plan, c.plan.steps.slice(0, c.attempted), g);
    assert.equal(p.kind, 'give-up');
    assert.equal(shape(p), c.shape);
    assert.ok(p.steps.every((s) => s.onFailure === 'retry-then-fence'));
  });
}

test('the environment of a take\'s notifications reads, in the agent\'s own parser, as a promotable pre/post-promote of this node', () => {
  const plan = takePlan(G, C);
  const o = defaultResolveOptions('node2');
  for (const type of ['pre', 'post'] as const) {
    const s = plan.steps.find((x) => x.action === 'notify' && x.env?.['OCF_RESKEY_CRM_meta_notify_type'] === type)!;
    const r = resolveInvocation(s.resource, s.action, 60_000, o, undefined);
    assert.ok(r.ok);
    const ctx = parseContext(r.invocation.args, { ...r.invocation.env, ...s.env });
    assert.equal(effectiveMode('auto', ctx.v1, ctx.meta), 'promotable');
    assert.equal(ctx.nodeName, 'node2');
    assert.equal(ctx.instance, 'postgresql_pg');
    assert.equal(ctx.meta['clone'], undefined);
    const n = parseNotification(ctx.meta);
    assert.equal(n.type, type);
    assert.equal(n.operation, 'promote');
    assert.deepEqual(n.unames.promote, ['node2']);
    assert.deepEqual(n.unames.promoted, type === 'pre' ? [] : ['node2']);
    assert.deepEqual(n.unames.unpromoted, type === 'pre' ? ['node1', 'node2'] : ['node1']);
  }
});

test('a take told that the peer\'s database is stopped names it in the promote\'s notify_stop_uname; the agent skips that peer and no other', () => {
  const o = defaultResolveOptions('node2');
  const agentSkips = (plan: GroupPlan): string[] => {
    const s = plan.steps.find((x) => x.action === 'promote')!;
    const r = resolveInvocation(s.resource, s.action, 60_000, o, undefined);
    assert.ok(r.ok);
    const ctx = parseContext(r.invocation.args, { ...r.invocation.env, ...s.env });
    const mode = effectiveMode('auto', ctx.v1, ctx.meta);
    return stoppedPeers({ notification: parseNotification(ctx.meta), self: 'node2', peers: ['node1', 'node2'], action: ctx.action, mode }).map((p) => p.name);
  };
  assert.deepEqual(agentSkips(takePlan(G, C, { stoppedPeers: ['node1'] })), ['node1']);
  assert.deepEqual(agentSkips(takePlan(G, C, { stoppedPeers: ['node1'], notify: false })), ['node1'], 'the promote carries its own lists');
  assert.deepEqual(agentSkips(takePlan(G, C)), [], 'no evidence: the peer is asked');
  assert.equal(takePlan(G, C).steps.find((x) => x.action === 'promote')!.env, undefined, 'the promote environment is unchanged without evidence');
  assert.deepEqual(agentSkips(takePlan(G, C, { stoppedPeers: ['node2', 'node9'] })), [], 'neither this node nor a stranger');
  const pre = takePlan(G, C, { stoppedPeers: ['node1'] }).steps.find((x) => x.action === 'notify')!;
  assert.equal(pre.env?.['OCF_RESKEY_CRM_meta_notify_stop_uname'], 'node1');
  assert.equal(pre.env?.['OCF_RESKEY_CRM_meta_notify_stop_resource'], 'postgresql_pg');
});

test('postgresql\'s start and demote look for the primary among the peers alone when peers are set (primary_host, the address, may be down)', () => {
  const withBoth: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg', primary_host: '192.0.2.10', peers: 'node1=192.0.2.11,node2=192.0.2.12' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg::primary_host=192.0.2.10::peers=node1=192.0.2.11,node2=192.0.2.12' };
  const hostOnly: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg', primary_host: '192.0.2.10' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg::primary_host=192.0.2.10' };
  const primaryHostOf = (p: GroupPlan, action: string): string | undefined => p.steps.find((s) => s.action === action)?.env?.['OCF_RESKEY_primary_host'];
  assert.equal(primaryHostOf(preparePlan(group(withBoth, IP)), 'start'), '');
  assert.equal(primaryHostOf(restartPlan(group(withBoth, IP), 0, true, C), 'start'), '');
  assert.equal(primaryHostOf(releasePlan(group(withBoth, IP)), 'demote'), '');
  assert.equal(primaryHostOf(takePlan(group(withBoth, IP), C, { standbyRunning: true }), 'promote'), undefined, 'the promotion keeps primary_host');
  assert.equal(primaryHostOf(preparePlan(group(hostOnly, IP)), 'start'), undefined, 'without peers primary_host is where a standby streams from');
});
