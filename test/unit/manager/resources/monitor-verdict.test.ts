import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupConfig, ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import { monitorPlan } from '../../../../lib/manager/resources/group-plan.ts';
import { judgeMonitor, recoveryDecision } from '../../../../lib/manager/resources/monitor-verdict.ts';

const PG: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg' };
const APP: ResourceSpec = { kind: 'v1', name: 'app', args: [], text: 'app' };
const G: GroupConfig = { key: PG.text, preferredNode: 'node1', resources: [PG, APP], at: 'haresources:1' };

const judge = (held: boolean, codes: number[]) => {
  const plan = monitorPlan(G, held, 5_000);
  return judgeMonitor(G.key, plan.steps.map((step, i) => {
    const code = codes[i]!;
    return { step, attempt: 1, result: { code, timedOut: false, durationMs: 5, reason: code === 9 ? 'the primary crashed' : undefined }, ok: step.ok.includes(code) };
  }));
};

const cases: { name: string; held: boolean; codes: number[]; healthy: boolean; failedIndex?: number; sentence: RegExp }[] = [
  { name: 'held: promoted and running', held: true, codes: [8, 0], healthy: true, sentence: /2 resource\(s\) healthy/ },
  { name: 'held: the database fell back to a standby', held: true, codes: [0, 0], healthy: false, failedIndex: 0, sentence: /monitor postgresql_pg failed \(code 0\), expected 8/ },
  { name: 'held: a crashed primary (9) with its reason', held: true, codes: [9, 0], healthy: false, failedIndex: 0, sentence: /code 9: the primary crashed/ },
  { name: 'held: the v1 script says not running', held: true, codes: [8, 7], healthy: false, failedIndex: 1, sentence: /status app failed \(code 7\), expected 0/ },
  { name: 'held: two failures, the leftmost is named', held: true, codes: [7, 7], healthy: false, failedIndex: 0, sentence: /monitor postgresql_pg/ },
  { name: 'standby side: a running standby', held: false, codes: [0], healthy: true, sentence: /healthy/ },
  { name: 'standby side: a stopped standby', held: false, codes: [7], healthy: false, failedIndex: 0, sentence: /expected 0/ },
];
for (const c of cases) {
  test(`judgeMonitor, ${c.name}`, () => {
    const v = judge(c.held, c.codes);
    assert.equal(v.healthy, c.healthy);
    if (!v.healthy) assert.equal(v.failedIndex, c.failedIndex);
    assert.match(v.sentence, c.sentence);
  });
}

const recovery: [number, number, 'restart' | 'fail-over', RegExp][] = [
  [0, 2, 'restart', /restart in place \(1 of 2\)/],
  [1, 2, 'restart', /\(2 of 2\)/],
  [2, 2, 'fail-over', /2 restart\(s\) in place did not help \(limit 2\); fail over/],
  [0, 0, 'fail-over', /limit 0/],
];
for (const [done, max, action, sentence] of recovery) {
  test(`recoveryDecision after ${done} restart(s) with a limit of ${max}: ${action}`, () => {
    const d = recoveryDecision('g', done, max);
    assert.equal(d.action, action);
    assert.match(d.sentence, sentence);
  });
}
