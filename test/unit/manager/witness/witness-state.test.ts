import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgreedState } from '../../../../lib/manager/core/agreed-state.ts';
import type { WitnessRequest } from '../../../../lib/manager/core/messages.ts';
import { handleRequest, initWitness, type WitnessConfig, type WitnessState } from '../../../../lib/manager/witness/witness-state.ts';

const cfg: WitnessConfig = { nodes: ['alpha', 'beta'], leaseMs: 396, rho: 0.01 };
const SYNC_BETA: AgreedState = { epoch: 2, primary: 'alpha', sync: 'beta' };
const pg = { timeline: 1, flushedLsn: 100 };
const req = (from: string, state: AgreedState, cas?: AgreedState, pgPos: WitnessRequest['pg'] = pg): WitnessRequest =>
  ({ from, id: 1, state, pg: pgPos, cas: cas && { expect: state.epoch, next: cas } });

/** A witness that started at 0 with `state`, saw both nodes, and promised alpha a lease until `promiseUntil`. */
const running = (state: AgreedState, promiseUntil: number | null): WitnessState => ({
  ...initWitness(0, state),
  seen: { alpha: { at: 0, pg }, beta: { at: 0, pg } },
  promise: promiseUntil === null ? null : { holder: state.primary ?? 'alpha', until: promiseUntil },
});

test('compare-and-set rules of the witness', () => {
  const cases: { name: string; ws: WitnessState; r: WitnessRequest; now: number; ok: boolean; why?: RegExp }[] = [
    { name: 'takeover by the sync standby after the lease lapsed', ws: running(SYNC_BETA, 5000), r: req('beta', SYNC_BETA, { epoch: 3, primary: 'beta', sync: null }), now: 5001, ok: true },
    { name: 'takeover while the lease runs', ws: running(SYNC_BETA, 5000), r: req('beta', SYNC_BETA, { epoch: 3, primary: 'beta', sync: null }), now: 4999, ok: false, why: /lease runs/ },
    { name: 'takeover from SOLO', ws: running({ epoch: 4, primary: 'alpha', sync: null }, 100), r: req('beta', { epoch: 4, primary: 'alpha', sync: null }, { epoch: 5, primary: 'beta', sync: null }), now: 5000, ok: false, why: /does not name beta synchronous/ },
    { name: 'stale epoch', ws: running({ ...SYNC_BETA, epoch: 6 }, 100), r: req('beta', SYNC_BETA, { epoch: 3, primary: 'beta', sync: null }), now: 5000, ok: false, why: /epoch is 6/ },
    { name: 'SOLO by the primary holding the lease', ws: running(SYNC_BETA, 5000), r: req('alpha', SYNC_BETA, { epoch: 3, primary: 'alpha', sync: null }), now: 4000, ok: true },
    { name: 'SOLO by the primary without the lease', ws: running(SYNC_BETA, 5000), r: req('alpha', SYNC_BETA, { epoch: 3, primary: 'alpha', sync: null }), now: 6000, ok: false, why: /SOLO needs a current lease/ },
    { name: 'SOLO asked by the standby', ws: running(SYNC_BETA, 5000), r: req('beta', SYNC_BETA, { epoch: 3, primary: 'alpha', sync: null }), now: 6000, ok: false, why: /may only ask to become primary/ },
    { name: 'restarted witness within one promise', ws: { ...running(SYNC_BETA, null), startedAt: 1000 }, r: req('beta', SYNC_BETA, { epoch: 3, primary: 'beta', sync: null }), now: 1200, ok: false, why: /restarted/ },
    { name: 'release successor lacking the WAL', ws: running({ epoch: 5, primary: null, sync: null, released: { timeline: 1, lsn: 200, successor: 'beta' } }, null), r: req('beta', { epoch: 5, primary: null, sync: null, released: { timeline: 1, lsn: 200, successor: 'beta' } }, { epoch: 6, primary: 'beta', sync: null }), now: 5000, ok: false, why: /lacks the released WAL/ },
    { name: 'release successor with the WAL', ws: running({ epoch: 5, primary: null, sync: null, released: { timeline: 1, lsn: 100, successor: 'beta' } }, null), r: req('beta', { epoch: 5, primary: null, sync: null, released: { timeline: 1, lsn: 100, successor: 'beta' } }, { epoch: 6, primary: 'beta', sync: null }), now: 5000, ok: true },
    { name: 'bootstrap by the node with less data', ws: { ...running({ epoch: 0, primary: null, sync: null }, null), seen: { alpha: { at: 0, pg: { timeline: 1, flushedLsn: 200 } }, beta: { at: 0, pg } } }, r: req('beta', { epoch: 0, primary: null, sync: null }, { epoch: 1, primary: 'beta', sync: 'alpha' }), now: 5000, ok: false, why: /alpha has more data/ },
  ];
  for (const c of cases) {
    const out = handleRequest(cfg, c.ws, c.r, c.now);
    assert.equal(out.reply.cas?.ok, c.ok, `${c.name}: ${out.reply.cas?.why}`);
    if (c.why) assert.match(out.reply.cas!.why, c.why, c.name);
    assert.equal(out.persist !== null, c.ok, `${c.name}: persisted before replying exactly when recorded`);
  }
});

test('the witness renews only the recorded primary, one holder at a time', () => {
  const ws = running(SYNC_BETA, null);
  const a = handleRequest(cfg, ws, req('alpha', SYNC_BETA), 1000);
  assert.equal(a.reply.leaseMs, 396);
  assert.deepEqual(a.ws.promise, { holder: 'alpha', until: 1000 + 396 * 1.01 });
  assert.equal(handleRequest(cfg, a.ws, req('beta', SYNC_BETA), 1100).reply.leaseMs, 0);
});

test('a witness that lost its state refuses until both nodes were seen, then learns the newest state', () => {
  let ws = initWitness(0, undefined);
  const r1 = handleRequest(cfg, ws, req('beta', SYNC_BETA, { epoch: 3, primary: 'beta', sync: null }), 5000);
  assert.match(r1.reply.cas!.why, /lost its state/);
  ws = r1.ws;
  assert.deepEqual(ws.state, SYNC_BETA, 'learnt from the request');
  const r2 = handleRequest(cfg, ws, req('alpha', SYNC_BETA), 5100);
  assert.equal(r2.ws.stateLost, false);
  assert.equal(r2.reply.leaseMs, 396, 'granting again once both were seen');
});
