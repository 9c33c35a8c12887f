import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusReport } from '../../../../lib/manager/core/status.ts';
import { renderExposition } from '../../../../lib/manager/metrics/exposition.ts';
import { linkDevice, managerMetrics, type MetricsSnapshot } from '../../../../lib/manager/metrics/manager-metrics.ts';
import { countOps } from '../../../../lib/manager/metrics/op-counters.ts';
import { newResourceBook, stateAfter, type ResourceState } from '../../../../lib/manager/metrics/resource-states.ts';
import { countDrop, noDrops } from '../../../../lib/manager/wire/drop-cause.ts';
import type { GroupConfig } from '../../../../lib/manager/config/cluster-config.ts';
import type { ResourceAction } from '../../../../lib/manager/ports.ts';

const status = (over: Partial<StatusReport> = {}): StatusReport => ({
  node: 'alpha',
  peer: { name: 'beta', alive: true, lastHeardMsAgo: 40, holding: false, pg: { role: 'standby', timeline: 3, flushedLsn: 900, replayedLsn: 800, streaming: true, syncFlushedLsn: null } },
  links: [{ name: 'ucast eth1 198.51.100.12:694', up: true, lastHeardMsAgo: 40 }, { name: 'serial /dev/ttyS0', up: false, lastHeardMsAgo: null }],
  witness: { configured: true, lastReplyMsAgo: 120, pending: null },
  fence: false,
  agreed: { epoch: 7, primary: 'alpha', sync: 'beta', text: 'epoch 7: primary alpha, SYNC(beta)' },
  holding: true,
  pg: { role: 'primary', timeline: 3, flushedLsn: 1000, replayedLsn: 1000, streaming: false, syncFlushedLsn: 900 },
  leaseMsLeft: 250,
  op: null,
  waiting: null,
  arbitration: 'witness',
  ...over,
});

const snapshot = (over: Partial<MetricsSnapshot> = {}): MetricsSnapshot => ({
  version: '0.1.0', status: status(), drops: countDrop(countDrop(noDrops(), 'bad-mac'), 'bad-mac'),
  media: [
    { name: 'ucast eth1 198.51.100.12:694', open: true, openAttempts: 1, openFailures: 0, sent: 250, sendFailures: 0, received: 240 },
    { name: 'serial /dev/ttyS0', open: false, openAttempts: 4, openFailures: 3, sent: 10, sendFailures: 6, received: 9 },
  ],
  groups: ['192.0.2.10'],
  resources: [{ group: '192.0.2.10', resource: '192.0.2.10', state: 'started' }], actions: [], ops: [], witnessFreshMs: 500, ...over,
});

/** The value of one sample line of the rendered text, or undefined when absent. */
const valueOf = (text: string, series: string): string | undefined =>
  text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1);

test('managerMetrics(): every family is named pgbeat_*, has HELP and TYPE, and counters end in _total', () => {
  const text = renderExposition(managerMetrics(snapshot()));
  const families = managerMetrics(snapshot());
  for (const f of families) {
    assert.match(f.name, /^pgbeat_[a-z_]+$/, f.name);
    if (f.type === 'counter') assert.match(f.name, /_total$/);
    if (f.samples.length > 0) {
      assert.ok(text.includes(`# HELP ${f.name} `), f.name);
      assert.ok(text.includes(`# TYPE ${f.name} ${f.type}\n`), f.name);
    }
  }
});

test('managerMetrics(): the values follow the status report', () => {
  const cases: [string, Partial<MetricsSnapshot>, string, string | undefined][] = [
    ['peer alive', {}, 'pgbeat_node_up{node="beta"}', '1'],
    ['peer dead', { status: status({ peer: { ...status().peer, alive: false, lastHeardMsAgo: 2500 } }) }, 'pgbeat_node_up{node="beta"}', '0'],
    ['peer heard 2.5 s ago', { status: status({ peer: { ...status().peer, alive: false, lastHeardMsAgo: 2500 } }) }, 'pgbeat_peer_last_heard_seconds{node="beta"}', '2.5'],
    ['this node is always up', {}, 'pgbeat_node_up{node="alpha"}', '1'],
    ['a link up', {}, 'pgbeat_link_up{link="ucast eth1 198.51.100.12:694",device="eth1"}', '1'],
    ['a link never heard', {}, 'pgbeat_link_up{link="serial /dev/ttyS0",device="/dev/ttyS0"}', '0'],
    ['no last-heard for a link never heard', {}, 'pgbeat_link_last_heard_seconds{link="serial /dev/ttyS0",device="/dev/ttyS0"}', undefined],
    ['a drop cause counted', {}, 'pgbeat_dropped_packets_total{cause="bad-mac"}', '2'],
    ['a drop cause at zero is still shown', {}, 'pgbeat_dropped_packets_total{cause="replay"}', '0'],
    ['witness fresh', {}, 'pgbeat_witness_reachable', '1'],
    ['witness stale', { status: status({ witness: { configured: true, lastReplyMsAgo: 900, pending: null } }) }, 'pgbeat_witness_reachable', '0'],
    ['witness never replied', { status: status({ witness: { configured: true, lastReplyMsAgo: null, pending: null } }) }, 'pgbeat_witness_reachable', '0'],
    ['no witness: no reachability', { status: status({ witness: { configured: false, lastReplyMsAgo: null, pending: null } }) }, 'pgbeat_witness_reachable', undefined],
    ['no witness, no fence', { status: status({ witness: { configured: false, lastReplyMsAgo: null, pending: null } }) }, 'pgbeat_arbitration_mode{mode="none"}', '1'],
    ['lease left', {}, 'pgbeat_lease_remaining_seconds', '0.25'],
    ['no lease while not holding', { status: status({ leaseMsLeft: null }) }, 'pgbeat_lease_remaining_seconds', undefined],
    ['epoch', {}, 'pgbeat_agreed_epoch', '7'],
    ['SYNC', {}, 'pgbeat_agreed_solo', '0'],
    ['SOLO', { status: status({ agreed: { epoch: 8, primary: 'alpha', sync: null, text: '' } }) }, 'pgbeat_agreed_solo', '1'],
    ['agreed primary', {}, 'pgbeat_agreed_primary{node="alpha"}', '1'],
    ['agreed sync standby', {}, 'pgbeat_agreed_sync_standby{node="beta"}', '1'],
    ['group held', {}, 'pgbeat_group_held{group="192.0.2.10"}', '1'],
    ['group not held', { status: status({ holding: false }) }, 'pgbeat_group_held{group="192.0.2.10"}', '0'],
    ['resource state', {}, 'pgbeat_resource_state{group="192.0.2.10",resource="192.0.2.10",state="started"}', '1'],
    ['resource other states 0', {}, 'pgbeat_resource_state{group="192.0.2.10",resource="192.0.2.10",state="failed"}', '0'],
    ['pg role', {}, 'pgbeat_postgresql_role{node="alpha",role="primary"}', '1'],
    ['peer pg role', {}, 'pgbeat_postgresql_role{node="beta",role="standby"}', '1'],
    ['unknown pg', { status: status({ pg: null }) }, 'pgbeat_postgresql_role{node="alpha",role="unknown"}', '1'],
    ['timeline', {}, 'pgbeat_postgresql_timeline{node="beta"}', '3'],
    ['standby flush lag', {}, 'pgbeat_postgresql_lag_bytes{node="beta",kind="flushed"}', '100'],
    ['standby replay lag', {}, 'pgbeat_postgresql_lag_bytes{node="beta",kind="replayed"}', '200'],
    ['no lag across timelines', { status: status({ peer: { ...status().peer, pg: { ...status().peer.pg!, timeline: 2 } } }) }, 'pgbeat_postgresql_lag_bytes{node="beta",kind="flushed"}', undefined],
    ['streaming', {}, 'pgbeat_postgresql_streaming{node="beta"}', '1'],
    ['op counter', { ops: [{ op: 'take', result: 'ok', count: 2 }] }, 'pgbeat_service_operations_total{op="take",result="ok"}', '2'],
    ['action counter', { actions: [{ group: 'g', resource: 'r', action: 'monitor', result: 'timeout', count: 1 }] }, 'pgbeat_resource_actions_total{group="g",resource="r",action="monitor",result="timeout"}', '1'],
    ['action in progress', { status: status({ op: 'take for 40 ms' }) }, 'pgbeat_action_in_progress', '1'],
    ['info', {}, 'pgbeat_info{version="0.1.0",node="alpha",peer="beta"}', '1'],
    ['a medium open', {}, 'pgbeat_medium_open{link="ucast eth1 198.51.100.12:694",device="eth1"}', '1'],
    ['a medium closed', {}, 'pgbeat_medium_open{link="serial /dev/ttyS0",device="/dev/ttyS0"}', '0'],
    ['open attempts', {}, 'pgbeat_medium_open_attempts_total{link="serial /dev/ttyS0",device="/dev/ttyS0"}', '4'],
    ['open failures', {}, 'pgbeat_medium_open_failures_total{link="serial /dev/ttyS0",device="/dev/ttyS0"}', '3'],
    ['open failures at zero are shown', {}, 'pgbeat_medium_open_failures_total{link="ucast eth1 198.51.100.12:694",device="eth1"}', '0'],
    ['frames sent', {}, 'pgbeat_medium_sent_frames_total{link="ucast eth1 198.51.100.12:694",device="eth1"}', '250'],
    ['failed sends', {}, 'pgbeat_medium_send_failures_total{link="serial /dev/ttyS0",device="/dev/ttyS0"}', '6'],
    ['frames received', {}, 'pgbeat_medium_received_frames_total{link="ucast eth1 198.51.100.12:694",device="eth1"}', '240'],
    ['no media: no medium families', { media: [] }, 'pgbeat_medium_open{link="serial /dev/ttyS0",device="/dev/ttyS0"}', undefined],
  ];
  for (const [name, over, series, want] of cases) assert.equal(valueOf(renderExposition(managerMetrics(snapshot(over))), series), want, name);
});

test('linkDevice() gives heartbeat\'s link name of a medium', () => {
  const cases: [string, string][] = [['ucast eth1 198.51.100.2:694', 'eth1'], ['bcast eth0:694', 'eth0'], ['mcast eth2 239.0.0.1:694', 'eth2'], ['serial /dev/ttyS0', '/dev/ttyS0'], ['odd', 'odd']];
  for (const [m, want] of cases) assert.equal(linkDevice(m), want, m);
});

test('stateAfter() reads a resource state from an action and its code', () => {
  const cases: [ResourceState, ResourceAction, number, boolean, ResourceState][] = [
    ['unknown', 'start', 0, true, 'started'],
    ['unknown', 'start', 1, false, 'failed'],
    ['started', 'promote', 0, true, 'promoted'],
    ['promoted', 'demote', 0, true, 'started'],
    ['started', 'stop', 0, true, 'stopped'],
    ['started', 'stop', 1, false, 'failed'],
    ['started', 'monitor', 7, true, 'stopped'],
    ['started', 'monitor', 8, true, 'promoted'],
    ['started', 'monitor', 9, false, 'failed'],
    ['started', 'status', 0, true, 'started'],
    ['promoted', 'notify', 1, true, 'promoted'],
    ['unknown', 'meta-data', 0, true, 'unknown'],
  ];
  for (const [prev, action, code, ok, want] of cases) assert.equal(stateAfter(prev, action, code, ok), want, `${prev} ${action} ${code}`);
});

test('newResourceBook() keeps a row per configured resource and counts actions by outcome', () => {
  const ip = { kind: 'v1' as const, name: 'IPaddr', args: ['192.0.2.10'], text: '192.0.2.10' };
  const g: GroupConfig = { key: '192.0.2.10', preferredNode: 'alpha', resources: [ip], at: 'haresources:1' };
  const book = newResourceBook([g]);
  assert.deepEqual(book.rows(), [{ group: '192.0.2.10', resource: '192.0.2.10', state: 'unknown' }]);
  book.record({ step: { resource: ip, action: 'start' }, result: { code: 0, timedOut: false }, ok: true });
  book.record({ step: { resource: ip, action: 'status' }, result: { code: 1, timedOut: true }, ok: false });
  book.record({ step: { resource: { ...ip, text: 'other' }, action: 'start' }, result: { code: 0, timedOut: false }, ok: true });
  assert.deepEqual(book.rows(), [{ group: '192.0.2.10', resource: '192.0.2.10', state: 'failed' }]);
  assert.deepEqual(book.actions().map((a) => `${a.action} ${a.result} ${a.count}`), ['start ok 1', 'status timeout 1']);
});

test('countOps() counts each operation by outcome, a rejection as failed', async () => {
  const ok = async () => ({ ok: true });
  const c = countOps({ follow: ok, take: async () => ({ ok: false, reason: 'x' }), release: ok, setSync: ok, stop: async () => { throw new Error('boom'); } });
  await c.resources.take(null, () => 0, { dad: true, peerDown: false });
  await c.resources.release(true);
  await c.resources.release(false);
  await assert.rejects(c.resources.stop(), /boom/);
  assert.deepEqual(c.counts().map((x) => `${x.op} ${x.result} ${x.count}`).sort(), ['release ok 2', 'stop failed 1', 'take failed 1']);
});
