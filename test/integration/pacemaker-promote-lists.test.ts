// What the installed Pacemaker scheduler puts on the promote action of a promotable clone with
// notify=true, and what the postgresql agent concludes from it (stopped-peers.ts). crm_simulate runs
// the real scheduler on a two-node CIB in a temp dir (no daemons): node2 holds the promoted
// instance, then is lost (with and without fencing) or put in standby; the transition graph shows
// the promote on node1 with the notify_* lists, and whether the stop of node2's instance, or its
// fencing, comes before the promote.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotification } from '../../lib/ocf/notify.ts';
import { stoppedPeers } from '../../lib/postgresql/stopped-peers.ts';

let dir: string;

const BASE = (stonith: boolean, node2Standby: boolean): string => `<cib crm_feature_set="3.0.0" validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="opts">
      <nvpair id="o1" name="stonith-enabled" value="${stonith}"/><nvpair id="o2" name="no-quorum-policy" value="ignore"/>
    </cluster_property_set></crm_config>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2">${node2Standby ? '<instance_attributes id="n2"><nvpair id="n2s" name="standby" value="on"/></instance_attributes>' : ''}</node>
    </nodes>
    <resources>
      <primitive id="fence1" class="stonith" type="fence_dummy"/>
      <clone id="pg-clone">
        <meta_attributes id="pg-clone-meta"><nvpair id="m1" name="promotable" value="true"/><nvpair id="m2" name="notify" value="true"/></meta_attributes>
        <primitive id="pg" class="ocf" provider="pacemaker" type="Stateful"/>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>`;

// No parameters: the digest Pacemaker computes for "<parameters/>", so nothing looks reconfigured.
const DIGEST = 'f2317cad3d54cec5d7d7aa7d0bf35cf8';
const sim = (...args: string[]): string => execFileSync('crm_simulate', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });

/** The graph after: both nodes up, node2 promoted, node1 unpromoted preferred for promotion; then `event`. */
const graphFor = (name: string, o: { stonith: boolean; standby?: boolean; lose?: boolean }): string => {
  const f = (s: string): string => join(dir, `${name}-${s}.xml`);
  writeFileSync(f('base'), BASE(o.stonith, o.standby === true));
  sim('-x', f('base'), '-u', 'node1', '-u', 'node2', '-i', 'fence1_start_0@node1=0', '-i', 'pg:0_start_0@node1=0',
    '-i', 'pg:1_start_0@node2=0', '-i', 'pg:1_promote_0@node2=0', '-O', f('up'));
  let state = readFileSync(f('up'), 'utf8').replaceAll(' exit-reason=""', ` op-digest="${DIGEST}" exit-reason=""`);
  writeFileSync(f('up'), state);
  if (o.lose) {
    sim('-x', f('up'), '-f', 'node2', '-O', f('lost'));
    state = readFileSync(f('lost'), 'utf8');
  }
  const score = '<transient_attributes id="1"><instance_attributes id="st1"><nvpair id="st1m" name="master-pg" value="10"/></instance_attributes></transient_attributes>';
  writeFileSync(f('now'), state.replace(/(<node_state id="1"[^>]*>)/, `$1${score}`));
  sim('-x', f('now'), '-S', '-G', f('graph'));
  return readFileSync(f('graph'), 'utf8');
};

interface GraphAction {
  id: string;
  what: string;
  inputs: string[];
}

// One synapse = one action (its first element) and the actions it waits for (in <inputs>).
const actionsOf = (graph: string): GraphAction[] =>
  graph.split('<synapse ').slice(1).map((x) => {
    const [head, inputs = ''] = x.split('<inputs>');
    const a = /<(\w+) id="(\d+)" operation="([^"]*)"(?: operation_key="([^"]*)")?(?: on_node="([^"]*)")?/.exec(head!)!;
    return { id: a[2]!, what: `${a[4] ?? a[3]}@${a[5] ?? ''}`, inputs: [...inputs.matchAll(/ id="(\d+)"/g)].map((m) => m[1]!) };
  });

/** The promote on node1: its meta attributes (without CRM_meta_) and every action that must finish before it. */
const promoteOf = (graph: string): { meta: Record<string, string>; before: string[] } => {
  const s = graph.split('<synapse ').slice(1).find((x) => /<rsc_op [^>]*operation="promote"[^>]*on_node="node1"/.test(x));
  assert.ok(s, `no promote on node1 in the graph:\n${graph.slice(0, 2000)}`);
  const attrs = /<attributes ([^>]*)\/>/.exec(s)![1]!;
  const meta: Record<string, string> = {};
  for (const m of attrs.matchAll(/CRM_meta_(\w+)="([^"]*)"/g)) meta[m[1]!] = m[2]!;
  const actions = new Map(actionsOf(graph).map((a) => [a.id, a]));
  const promote = [...actions.values()].find((a) => a.what === 'pg:0_promote_0@node1')!;
  const seen = new Set<string>();
  const todo = [...promote.inputs];
  for (let i = 0; i < 1000 && todo.length; i++) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(actions.get(id)?.inputs ?? []));
  }
  return { meta, before: [...seen].map((id) => actions.get(id)?.what ?? id) };
};

const decide = (meta: Record<string, string>): string[] =>
  stoppedPeers({ notification: parseNotification(meta), self: 'node1', peers: ['node1', 'node2'], action: 'promote', mode: 'promotable' }).map((p) => p.name);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-crmsim-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

it('node2 lost with fencing on: the promote lists node2 in notify_stop_uname and waits for its fencing; node2 is skipped', () => {
  const g = graphFor('fenced', { stonith: true, lose: true });
  assert.match(g, /<crm_event [^>]*operation="stonith"[^>]*on_node="node2"/, 'node2 is fenced');
  const { meta, before } = promoteOf(g);
  assert.ok(before.some((w) => /^stonith-node2-reboot@node2$/.test(w)), `the promote waits for the fencing: ${before.join(' ')}`);
  assert.ok(before.includes('pg:1_stop_0@'), 'and for the stop it implies');
  assert.equal(meta['notify_stop_uname'], 'node2');
  assert.equal(meta['notify_promote_uname'], 'node1');
  assert.equal(meta['notify_type'], undefined, 'a promote, not a notification');
  assert.deepEqual(decide(meta), ['node2']);
});

it('node2 put in standby: its instance is really stopped before the promote; node2 is skipped', () => {
  const g = graphFor('standby', { stonith: true, standby: true });
  const { meta, before } = promoteOf(g);
  assert.equal(meta['notify_stop_uname'], 'node2');
  assert.ok(before.includes('pg:1_stop_0@node2'), `the promote waits for the real stop on node2: ${before.join(' ')}`);
  assert.deepEqual(decide(meta), ['node2']);
});

it('node2 lost with stonith disabled: no stop is listed (only an inactive instance), so node2 is asked', () => {
  const { meta } = promoteOf(graphFor('unfenced', { stonith: false, lose: true }));
  assert.equal(meta['notify_stop_uname']?.trim(), '');
  assert.match(meta['notify_inactive_resource'] ?? '', /pg:1/);
  assert.deepEqual(decide(meta), []);
});
