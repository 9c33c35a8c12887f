// Which peers a promote may leave unasked. The meta records are those Pacemaker 2.1.5's scheduler
// put on the promote action of a promotable clone with notify=true (crm_simulate -G on a two-node
// CIB, README "Promotion and peers known stopped"): the same notify_* lists as the notifications,
// without notify_type and notify_operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNotification } from '../../../lib/ocf/notify.ts';
import { stoppedPeers } from '../../../lib/postgresql/stopped-peers.ts';
import { mayPromote, type PeerReport } from '../../../lib/pg/promotion.ts';

type Lists = Partial<Record<'stop' | 'start' | 'demote' | 'promote' | 'active' | 'type', string>>;

// The promote action's meta attributes (keys without OCF_RESKEY_CRM_meta_), as the scheduler writes them.
const promoteMeta = (l: Lists): Record<string, string> => ({
  notify: 'true',
  notify_stop_uname: l.stop ?? ' ',
  notify_start_uname: l.start ?? ' ',
  notify_demote_uname: l.demote ?? ' ',
  notify_promote_uname: l.promote ?? 'node1',
  notify_active_uname: l.active ?? 'node1 node2',
  notify_available_uname: 'node1 node2',
  notify_all_uname: 'node1 node2',
  notify_inactive_resource: ' ',
  ...(l.type ? { notify_type: l.type, notify_operation: 'promote' } : {}),
});

const skipped = (meta: Record<string, string>, o: { self?: string; peers?: string[]; action?: string; mode?: 'promotable' | 'primitive' } = {}): string[] =>
  stoppedPeers({
    notification: parseNotification(meta),
    self: o.self ?? 'node1',
    peers: o.peers ?? ['node1', 'node2'],
    action: o.action ?? 'promote',
    mode: o.mode ?? 'promotable',
  }).map((p) => p.name);

const cases: Array<[string, Record<string, string>, Parameters<typeof skipped>[1], string[]]> = [
  ['node2 lost and fenced (the stop is the pseudo-stop after its fencing)', promoteMeta({ stop: 'node2', demote: 'node2' }), {}, ['node2']],
  ['node2 put in standby (a real stop ran there before the promote)', promoteMeta({ stop: 'node2', demote: 'node2' }), {}, ['node2']],
  ['node2 recovered in place (stopped, then started again before the promote)', promoteMeta({ stop: 'node2', start: 'node2', demote: 'node2' }), {}, []],
  ['node2 lost with stonith disabled: only "inactive", no stop, no proof', { ...promoteMeta({ active: 'node1' }), notify_inactive_resource: 'pg:1' }, {}, []],
  ['a switchover: node2 is demoted and keeps running', promoteMeta({ demote: 'node2' }), {}, []],
  ['a pre-promote notification carries the same lists: not a promote', promoteMeta({ stop: 'node2', type: 'pre' }), {}, []],
  ['lists that do not promote this node are not about this promotion', promoteMeta({ stop: 'node2', promote: 'node3' }), {}, []],
  ['a start action never skips', promoteMeta({ stop: 'node2' }), { action: 'start' }, []],
  ['primitive mode never skips', promoteMeta({ stop: 'node2' }), { mode: 'primitive' }, []],
  ['no lists (notify=false, another manager, ocf-tester)', {}, {}, []],
  ['a stopped name that is no configured peer, and this node, are ignored', promoteMeta({ stop: 'node1 nodeX' }), {}, []],
  ['three nodes: the fenced one is skipped, the running one asked', promoteMeta({ stop: 'node3', active: 'node1 node2 node3' }), { peers: ['node1', 'node2', 'node3'] }, ['node3']],
  ['names match exactly (no prefix match)', promoteMeta({ stop: 'node22' }), {}, []],
];

for (const [name, meta, o, want] of cases) {
  test(`stoppedPeers: ${name}`, () => assert.deepEqual(skipped(meta, o), want));
}

test('a skipped peer is judged as an unreachable one: it never counts as an answer, and the other rules hold', () => {
  const self = { name: 'node1', timeline: 3, lsn: 100n };
  const stopped: PeerReport = { name: 'node2', reachable: false, stopped: 'stopped by the cluster' };
  const base = { self, requireSync: false, synchronous: true, maxlag: 0n, peers: [stopped] };
  assert.match(mayPromote(base).reason, /not compared: node2 \(stopped\)/);
  // sync_mode fallback/strict: a skipped peer did not answer, so we must have been synchronous.
  assert.equal(mayPromote({ ...base, requireSync: true, synchronous: false }).allow, false);
  // A peer that runs but could not be asked still forbids, whatever was skipped beside it.
  const unknown: PeerReport = { name: 'node3', reachable: false, failure: { kind: 'unknown', error: 'password authentication failed' } };
  assert.equal(mayPromote({ ...base, peers: [stopped, unknown] }).allow, false);
  // A position it published in pre-promote still forbids when it is ahead.
  assert.equal(mayPromote({ ...base, published: [{ name: 'node2', timeline: 3, lsn: 200n }] }).allow, false);
});
