// The executor's policies over a scripted ResourceRunner (the port's own contract: codes, never throws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupConfig, ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import type { ResourceRunner } from '../../../../lib/manager/ports.ts';
import { releasePlan, restartPlan, takePlan } from '../../../../lib/manager/resources/group-plan.ts';
import { executePlan } from '../../../../lib/manager/resources/io/plan-executor.ts';

const PG: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg' };
const IP: ResourceSpec = { kind: 'v1', name: 'IPaddr', args: ['192.0.2.10'], text: 'IPaddr::192.0.2.10' };
const APP: ResourceSpec = { kind: 'v1', name: 'app', args: [], text: 'app' };
const G: GroupConfig = { key: PG.text, preferredNode: 'node1', resources: [PG, IP, APP], at: 'haresources:1' };
const C = { node: 'node1', nodes: ['node1', 'node2'] };
const name = (r: ResourceSpec): string => (r.kind === 'v1' ? r.name : r.type);

/** A runner answering from a table `action name` -> codes in turn (last repeats); records every call. */
const scripted = (answers: Record<string, number[]>) => {
  const calls: string[] = [];
  const runner: ResourceRunner = {
    run: async (r, action, opts) => {
      const key = `${action} ${name(r)}`;
      calls.push(opts.timeoutMs === 1 ? `${key}!` : key);
      const list = answers[key] ?? [0];
      const code = list.length > 1 ? list.shift()! : list[0]!;
      return { code, timedOut: false, durationMs: 1, reason: code === 0 ? undefined : `${key} broke` };
    },
  };
  return { runner, calls };
};
const opts = (runner: ResourceRunner) => ({ runner, timeoutsMs: { start: 20_000, stop: 20_000 }, retryDelayMs: 0 });

test('take: every step in order, done', async () => {
  const { runner, calls } = scripted({});
  const out = await executePlan(takePlan(G, C), G, opts(runner));
  assert.equal(out.verdict, 'done');
  assert.deepEqual(calls, ['start postgresql', 'notify postgresql', 'promote postgresql', 'notify postgresql', 'start IPaddr', 'start app']);
  assert.match(out.sentence, /: done$/);
});

test('take: a failed notification is ignored', async () => {
  const { runner } = scripted({ 'notify postgresql': [1] });
  assert.equal((await executePlan(takePlan(G, C), G, opts(runner))).verdict, 'done');
});

test('take: a failed start stops what started, right to left, and hands the group over', async () => {
  const { runner, calls } = scripted({ 'start app': [1] });
  const out = await executePlan(takePlan(G, C), G, opts(runner));
  assert.equal(out.verdict, 'hand-over');
  assert.deepEqual(calls.slice(6), ['stop app', 'stop IPaddr', 'demote postgresql']);
  assert.equal(out.giveUp?.verdict, 'done');
  assert.match(out.sentence, /start app failed \(code 1: start app broke\); gave up what had started, the group must be handed over/);
});

test('take: a refused promotion demotes and hands over; the address was never started', async () => {
  const { runner, calls } = scripted({ 'promote postgresql': [1] });
  const out = await executePlan(takePlan(G, C), G, opts(runner));
  assert.equal(out.verdict, 'hand-over');
  assert.deepEqual(calls, ['start postgresql', 'notify postgresql', 'promote postgresql', 'demote postgresql']);
});

test('take: a give-up whose stop fails twice needs fencing', async () => {
  const { runner } = scripted({ 'start app': [1], 'stop IPaddr': [1] });
  const out = await executePlan(takePlan(G, C), G, opts(runner));
  assert.equal(out.verdict, 'needs-fencing');
  assert.match(out.sentence, /stop IPaddr::192\.0\.2\.10 failed \(code 1: stop IPaddr broke\) twice; .*needs fencing/);
});

test('release: a stop that fails once is retried and the release completes', async () => {
  const { runner, calls } = scripted({ 'stop IPaddr': [1, 0] });
  const out = await executePlan(releasePlan(G), G, opts(runner));
  assert.equal(out.verdict, 'done');
  assert.deepEqual(calls, ['stop app', 'stop IPaddr', 'stop IPaddr', 'demote postgresql']);
});

test('release: a stop that fails twice needs fencing, and the other resources still go down', async () => {
  const { runner, calls } = scripted({ 'stop app': [1] });
  const out = await executePlan(releasePlan(G), G, opts(runner));
  assert.equal(out.verdict, 'needs-fencing');
  assert.deepEqual(calls, ['stop app', 'stop app', 'stop IPaddr', 'demote postgresql']);
  assert.equal(out.failed?.step.what, 'stop app');
});

test('restart that fails to come up gives the whole group up: fail over', async () => {
  const { runner, calls } = scripted({ 'start IPaddr': [1] });
  const out = await executePlan(restartPlan(G, 1, true, C), G, opts(runner));
  assert.equal(out.verdict, 'fail-over');
  assert.deepEqual(calls, ['stop app', 'stop IPaddr', 'start IPaddr', 'stop app', 'stop IPaddr', 'stop postgresql']);
});

test('a runner that throws (against its contract) is a failed step, not a crash', async () => {
  const runner: ResourceRunner = { run: async () => { throw new Error('boom'); } };
  const out = await executePlan(takePlan(G, C), G, opts(runner));
  assert.equal(out.verdict, 'hand-over');
  assert.match(out.sentence, /the runner threw: boom/);
});

test('take bound to the lease: the guard is asked before the promote and before the address; a lapse there gives up what started', async () => {
  for (const [lapsedAfter, expected] of [
    [0, ['start postgresql']],
    [1, ['start postgresql', 'promote postgresql', 'demote postgresql']],
    [9, ['start postgresql', 'promote postgresql', 'start IPaddr', 'start app']],
  ] as const) {
    const { runner, calls } = scripted({});
    let asked = 0;
    const guard = (): string | null => (asked++ >= lapsedAfter ? 'the lease ended' : null);
    const out = await executePlan(takePlan(G, C, { guarded: true, notify: false }), G, { ...opts(runner), guard });
    assert.deepEqual(calls, expected, `lease lapsing after ${lapsedAfter} guarded step(s)`);
    assert.equal(asked, Math.min(lapsedAfter + 1, 2));
    assert.equal(out.verdict, lapsedAfter === 9 ? 'done' : 'hand-over');
    if (lapsedAfter !== 9) assert.match(out.sentence, /the lease ended/);
  }
});
