import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveTimings, type CoreConfig } from '../../../../lib/manager/core/core-config.ts';
import { initCoreState } from '../../../../lib/manager/core/core-state.ts';
import { formatStatus, statusOf } from '../../../../lib/manager/core/status.ts';

const cfg = (witness: boolean, fence: boolean): CoreConfig => ({
  self: 'alpha', peer: 'beta', selfIndex: 0, links: ['eth1', '/dev/ttyS0'], keepaliveMs: 100, warntimeMs: 250, deadtimeMs: 500,
  initdeadMs: 2000, witness, fence, autoFailback: 'off', preferred: 'alpha', ...deriveTimings(100, 500),
});

test('status says how partitions are arbitrated, and that without witness and fence the service waits', () => {
  const cases: [boolean, boolean, RegExp][] = [
    [true, false, /witness/],
    [false, true, /successful fence/],
    [false, false, /partition makes the service wait/],
  ];
  for (const [w, f, want] of cases) {
    const c = cfg(w, f);
    assert.match(statusOf(c, initCoreState(c, 0, undefined, 1)).arbitration, want);
  }
});

test('formatStatus() shows nodes, links with last-heard ages, the agreed state and the lease', () => {
  const c = cfg(true, false);
  const s = { ...initCoreState(c, 0, { epoch: 4, primary: 'alpha', sync: 'beta' }, 1), now: 1000, holding: true, leaseUntil: 1300 };
  s.peer = { ...s.peer, lastHeard: 950, links: { eth1: { lastHeard: 950, up: true, adapterUp: true }, '/dev/ttyS0': { lastHeard: 400, up: false, adapterUp: true } } };
  const text = formatStatus(statusOf(c, s));
  assert.match(text, /^node {9}alpha \(holds the service\): unknown$/m);
  assert.match(text, /^peer {9}beta alive, heard 50 ms ago: unknown$/m);
  assert.match(text, /^link eth1 {4}up, heard 50 ms ago$/m);
  assert.match(text, /^link \/dev\/ttyS0 dead, heard 600 ms ago$/m);
  assert.match(text, /^agreed {7}epoch 4: primary alpha, SYNC\(beta\)$/m);
  assert.match(text, /^lease {8}300 ms left$/m);
});
