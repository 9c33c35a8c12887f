// The daemon's facade over a scripted ResourceRunner: restart in place up to the limit, then fail
// over; actions on one group never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupConfig, ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import type { ResourceRunner } from '../../../../lib/manager/ports.ts';
import { createGroupResources } from '../../../../lib/manager/resources/io/group-resources.ts';

const PG: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/pg' }, text: 'ocf:pgbeat:postgresql::pgdata=/pg' };
const APP: ResourceSpec = { kind: 'v1', name: 'app', args: [], text: 'app' };
const G: GroupConfig = { key: PG.text, preferredNode: 'node1', resources: [PG, APP], at: 'haresources:1' };

/** Codes per `action name` (a function of the call count); records calls with their start/end. */
const scripted = (answer: (key: string, n: number) => number, delayMs = 0) => {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const runner: ResourceRunner = {
    run: async (r, action, opts) => {
      const key = `${action} ${r.kind === 'v1' ? r.name : r.type}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      calls.push(`>${key}`);
      if (delayMs) await new Promise((res) => setTimeout(res, delayMs));
      calls.push(`<${key}`);
      return { code: answer(key, n), timedOut: false, durationMs: 1, reason: opts.env?.['OCF_RESKEY_CRM_meta_interval'] };
    },
  };
  return { runner, calls };
};
const resources = (runner: ResourceRunner, maxRestarts = 2) =>
  createGroupResources({ runner, cluster: { node: 'node1', nodes: ['node1', 'node2'] }, timeoutsMs: { monitor: 5_000 }, monitorIntervalMs: 7_000, maxRestarts, retryDelayMs: 0 });

const healthyHeld = (key: string): number => (key === 'monitor postgresql' ? 8 : 0);

test('check: healthy when postgresql is promoted and the script runs; the interval reaches the agent', async () => {
  const { runner } = scripted(healthyHeld);
  const out = await resources(runner).check(G, true);
  assert.equal(out.result, 'healthy');
  assert.equal(out.restarts, 0);
});

test('check: a dead script is restarted in place up to the limit, then the answer is fail over', async () => {
  const { runner, calls } = scripted((key) => (key === 'status app' ? 7 : healthyHeld(key)));
  const r = resources(runner, 2);
  const first = await r.check(G, true);
  assert.equal(first.result, 'restarted', first.sentence);
  assert.match(first.sentence, /status app failed \(code 7\), expected 0; .*restart in place \(1 of 2\)/);
  assert.deepEqual(calls.filter((c) => c.startsWith('>')).slice(2), ['>stop app', '>start app']);
  assert.equal((await r.check(G, true)).result, 'restarted');
  const third = await r.check(G, true);
  assert.equal(third.result, 'fail-over');
  assert.match(third.sentence, /2 restart\(s\) in place did not help \(limit 2\); fail over/);
  // A new take starts the count again.
  await r.take(G);
  assert.equal((await r.check(G, true)).result, 'restarted');
});

test('restartNow (the probe saw the postmaster crash): stop, start, promote postgresql, then the script', async () => {
  const { runner, calls } = scripted(() => 0);
  const out = await resources(runner).restartNow(G, 0, true, 'the postmaster crashed (pid 42)');
  assert.equal(out.result, 'restarted', out.sentence);
  assert.deepEqual(calls.filter((c) => c.startsWith('>')), ['>stop app', '>stop postgresql', '>start postgresql', '>notify postgresql', '>promote postgresql', '>notify postgresql', '>start app']);
  assert.match(out.sentence, /the postmaster crashed \(pid 42\); .*restart in place \(1 of 2\)/);
});

test('a failed restart gives the group up and says fail over', async () => {
  const { runner } = scripted((key) => (key === 'start app' ? 1 : key === 'status app' ? 7 : healthyHeld(key)));
  const out = await resources(runner).check(G, true);
  assert.equal(out.result, 'fail-over', out.sentence);
  assert.equal(out.restart?.verdict, 'fail-over');
});

test('actions on one group never overlap: a check asked during a take waits for it', async () => {
  const { runner, calls } = scripted(healthyHeld, 5);
  const r = resources(runner);
  await Promise.all([r.take(G), r.check(G, true), r.release(G)]);
  for (let i = 0; i < calls.length; i += 2) {
    assert.equal(calls[i]!.slice(1), calls[i + 1]!.slice(1), `call ${calls[i]} ended before the next began: ${calls.join(' ')}`);
  }
  assert.deepEqual(calls.filter((c) => c.startsWith('>')).map((c) => c.split(' ')[0]), ['>start', '>notify', '>promote', '>notify', '>start', '>monitor', '>status', '>stop', '>demote']);
});

test('check with the core owning the database: a failed postgresql monitor where held is deferred, nothing restarted', async () => {
  const { runner, calls } = scripted((key) => (key === 'monitor postgresql' ? 7 : 0));
  const r = createGroupResources({ runner, cluster: { node: 'node1', nodes: ['node1', 'node2'] }, timeoutsMs: { monitor: 5_000 }, monitorIntervalMs: 7_000, maxRestarts: 2, retryDelayMs: 0, coreOwnsDatabase: true });
  const out = await r.check(G, true);
  assert.equal(out.result, 'deferred');
  assert.match(out.sentence, /left to the core/);
  assert.ok(calls.every((c) => /^[<>](monitor|status) /.test(c)), `only checks ran: ${calls.join(', ')}`);
});
