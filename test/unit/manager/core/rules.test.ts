// Each protocol rule as a situation and the decision the core takes in it (one tick).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgreedState } from '../../../../lib/manager/core/agreed-state.ts';
import { deriveTimings, type CoreConfig } from '../../../../lib/manager/core/core-config.ts';
import { initCoreState, type CoreState } from '../../../../lib/manager/core/core-state.ts';
import type { Effect } from '../../../../lib/manager/core/effects.ts';
import type { PgReport } from '../../../../lib/manager/core/pg-report.ts';
import { step } from '../../../../lib/manager/core/step.ts';

const cfgFor = (self: 'alpha' | 'beta', mode: { witness?: boolean; fence?: boolean }): CoreConfig => ({
  self, peer: self === 'alpha' ? 'beta' : 'alpha', selfIndex: self === 'alpha' ? 0 : 1, links: ['lan', 'hb'],
  keepaliveMs: 100, warntimeMs: 250, deadtimeMs: 500, initdeadMs: 1500, witness: mode.witness ?? false, fence: mode.fence ?? false,
  autoFailback: 'off', preferred: 'alpha', ...deriveTimings(100, 500),
});

const standbyPg: PgReport = { role: 'standby', timeline: 1, flushedLsn: 100, replayedLsn: 100, streaming: false, syncFlushedLsn: null };
const primaryPg: PgReport = { role: 'primary', timeline: 1, flushedLsn: 100, replayedLsn: 100, streaming: false, syncFlushedLsn: null };

/** A node at time 10 000 that heard its peer last at `heardAt` (seen since boot), with the given state. */
const situation = (cfg: CoreConfig, agreed: AgreedState, o: Partial<CoreState> & { heardAt?: number }): CoreState => {
  const s = initCoreState(cfg, 0, agreed, 1);
  const { heardAt = 9000, ...rest } = o;
  return {
    ...s, now: 10_000, lastTickAt: 9990, nextSendAt: 20_000, witness: { ...s.witness, nextRenewAt: 20_000 },
    peerSeenSinceBoot: true, peer: { ...s.peer, lastHeard: heardAt, since: 0 }, ...rest,
  };
};

const tick = (cfg: CoreConfig, s: CoreState, now = 10_000) => step(cfg, s, { kind: 'tick', now });
const kinds = (effects: Effect[]): string[] => effects.filter((e) => e.kind !== 'log').map((e) =>
  e.kind === 'resource' ? `resource:${e.action.op}` : e.kind === 'witness' ? `witness:${e.request.cas ? `cas ${e.request.cas.next.primary}/${e.request.cas.next.sync}` : 'renew'}` : e.kind);

const SYNC_BETA: AgreedState = { epoch: 2, primary: 'alpha', sync: 'beta' };
const SOLO_ALPHA: AgreedState = { epoch: 4, primary: 'alpha', sync: null };

test('the standby promotes only from a state that names it synchronous, and only by the arbitration at hand', () => {
  const cases: { name: string; cfg: CoreConfig; agreed: AgreedState; o?: Partial<CoreState>; want: string[]; says?: RegExp }[] = [
    { name: 'witness, SYNC(beta), peer dead: asks the witness', cfg: cfgFor('beta', { witness: true }), agreed: SYNC_BETA, want: ['witness:cas beta/null'] },
    { name: 'witness, SOLO(alpha), peer dead: never', cfg: cfgFor('beta', { witness: true }), agreed: SOLO_ALPHA, want: [], says: /SOLO .*not promoting/ },
    { name: 'no witness, no fence: never', cfg: cfgFor('beta', {}), agreed: SYNC_BETA, want: [], says: /cannot be told from a cut link/ },
    { name: 'no witness, fence, within deadtime + skew: waits', cfg: cfgFor('beta', { fence: true }), agreed: SYNC_BETA, o: { peer: { lastHeard: 9200, since: 0, dead: true, links: {} } }, want: [] },
    { name: 'no witness, fence, past deadtime + skew: fences first', cfg: cfgFor('beta', { fence: true }), agreed: SYNC_BETA, want: ['fence'] },
    { name: 'no witness, fenced: proposes and adopts itself primary', cfg: cfgFor('beta', { fence: true }), agreed: SYNC_BETA, o: { fencedPeerAt: 9900 }, want: ['persist'] },
    { name: 'no witness, restarted and never heard the peer: never', cfg: cfgFor('beta', { fence: true }), agreed: SYNC_BETA, o: { peerSeenSinceBoot: false }, want: [], says: /restarted/ },
    { name: 'voter promise still running: waits', cfg: cfgFor('beta', { witness: true }), agreed: SYNC_BETA, o: { promiseUntil: 10_300 }, want: [], says: /lapse/ },
  ];
  for (const c of cases) {
    const r = tick(c.cfg, situation(c.cfg, c.agreed, { pg: standbyPg, ...c.o }));
    assert.deepEqual(kinds(r.effects), c.want, c.name);
    if (c.says) assert.match(r.sentence, c.says, c.name);
  }
});

test('the primary drops its synchronous standby only with proof that it will not promote', () => {
  const holding = { holding: true, syncTarget: 'beta', pg: primaryPg, lastSyncHealthyAt: 9000, leaseUntil: 10_200 } satisfies Partial<CoreState>;
  const cases: { name: string; cfg: CoreConfig; o?: Partial<CoreState> & { heardAt?: number }; want: string[]; says?: RegExp }[] = [
    { name: 'witness, lease held: records SOLO at the witness first', cfg: cfgFor('alpha', { witness: true }), want: ['witness:cas alpha/null'] },
    { name: 'witness, lease gone: the lease rule releases', cfg: cfgFor('alpha', { witness: true }), o: { leaseUntil: 9990 }, want: ['resource:release'], says: /Lease ended/ },
    { name: 'no witness, no fence: writes wait', cfg: cfgFor('alpha', {}), want: [], says: /Writes wait/ },
    { name: 'no witness, fence: fences the standby first', cfg: cfgFor('alpha', { fence: true }), want: ['fence'] },
    { name: 'no witness, standby streams: nothing to do', cfg: cfgFor('alpha', {}), o: { heardAt: 9950, lastSyncHealthyAt: 9990 }, want: [] },
  ];
  for (const c of cases) {
    const r = tick(c.cfg, situation(c.cfg, SYNC_BETA, { ...holding, ...c.o }));
    assert.deepEqual(kinds(r.effects), c.want, c.name);
    if (c.says) assert.match(r.sentence, c.says, c.name);
  }
});

test('SOLO is adopted from the standby\'s own word (no witness), then the primary empties the name', () => {
  const cfg = cfgFor('alpha', {});
  const s = situation(cfg, SYNC_BETA, { holding: true, syncTarget: 'beta', pg: primaryPg, heardAt: 9950, lastSyncHealthyAt: 9990 });
  const hb = { from: 'beta', seq: 5, incarnation: 1, state: { epoch: 3, primary: 'alpha', sync: null }, holding: false, pg: standbyPg, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  // Decided in the same step as the adoption, not at the next tick.
  const r1 = step(cfg, s, { kind: 'heartbeat', now: 10_000, link: 'lan', hb });
  assert.deepEqual(kinds(r1.effects), ['persist', 'resource:setSync']);
});

test('no witness: the standby gives its word (abdicates) when it has not streamed for deadtime', () => {
  const cfg = cfgFor('beta', {});
  const peerHb = { from: 'alpha', seq: 5, incarnation: 1, state: SYNC_BETA, holding: true, pg: primaryPg, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  const s = situation(cfg, SYNC_BETA, { pg: standbyPg, heardAt: 9950, peerHb, standbyUnhealthySince: 9400 });
  const r = tick(cfg, s);
  assert.deepEqual(kinds(r.effects), ['persist']);
  assert.equal(r.state.agreed.sync, null);
  assert.equal(r.state.agreed.epoch, 3);
});

test('a live holder re-asserts over a concurrent state from the peer (no witness)', () => {
  const cfg = cfgFor('beta', { fence: true });
  const s = situation(cfg, { epoch: 3, primary: 'beta', sync: null }, { holding: true, pg: primaryPg, heardAt: 9950 });
  const hb = { from: 'alpha', seq: 1, incarnation: 2, state: { epoch: 4, primary: null, sync: 'beta', released: { timeline: 1, lsn: 90, successor: 'beta' } }, holding: false, pg: null, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  const r = step(cfg, s, { kind: 'heartbeat', now: 10_000, link: 'lan', hb });
  assert.deepEqual(r.state.agreed, { epoch: 5, primary: 'beta', sync: null });
});

test('the holder\'s lease comes from acknowledgements and reaches the resource side', () => {
  const cfg = cfgFor('alpha', { witness: true });
  let s = situation(cfg, SYNC_BETA, { holding: true, pg: primaryPg, heardAt: 9950 });
  s = { ...s, witness: { ...s.witness, sent: { ids: [7], at: [9990] } } };
  const r = step(cfg, s, { kind: 'witnessReply', now: 10_000, reply: { to: 'alpha', id: 7, state: SYNC_BETA, leaseMs: 396 } });
  const lease = r.effects.find((e) => e.kind === 'lease');
  assert.deepEqual(lease, { kind: 'lease', until: 9990 + 396 * 0.99 - cfg.actMarginMs });
});

test('sync_mode=strict: the primary never goes SOLO, and a new primary names the other node synchronous', () => {
  const primary = { ...cfgFor('alpha', { witness: true }), neverSolo: true };
  const p = tick(primary, situation(primary, SYNC_BETA, { holding: true, syncTarget: 'beta', pg: primaryPg, lastSyncHealthyAt: 9000, leaseUntil: 10_200 }));
  assert.deepEqual(kinds(p.effects), []);
  assert.match(p.sentence, /sync_mode=strict/);
  const standby = { ...cfgFor('beta', { witness: true }), neverSolo: true };
  const s = tick(standby, situation(standby, SYNC_BETA, { pg: standbyPg }));
  assert.deepEqual(kinds(s.effects), ['witness:cas beta/alpha']);
});

test('a standby whose takeover question is open at the witness vouches for no lease (found by the simulation, seed 2412)', () => {
  const cfg = cfgFor('beta', { witness: true });
  const peerHb = { from: 'alpha', seq: 9, incarnation: 1, state: SYNC_BETA, holding: false, pg: primaryPg, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  const base = situation(cfg, SYNC_BETA, { pg: standbyPg, heardAt: 9990, peerHb, nextSendAt: 10_000 });
  const ackOf = (s: typeof base): number | null | undefined => {
    const sent = tick(cfg, s).effects.find((e) => e.kind === 'send');
    return sent?.kind === 'send' ? sent.hb.ack : undefined;
  };
  assert.equal(ackOf(base), 9, 'vouches normally');
  const asking = { ...base, witness: { ...base.witness, cas: { id: 3, request: { expect: 2, next: { epoch: 3, primary: 'beta', sync: null } }, sentAt: 9990, purpose: 'take' as const } } };
  assert.equal(ackOf(asking), null, 'no ack while its own takeover may be granted');
});

test('a crashed primary is restarted in place up to maxRestarts times in the window, then handed to the synchronous standby (streaming or not), never to a SOLO one', () => {
  const cfg = { ...cfgFor('alpha', { witness: true }), maxRestarts: 2, restartWindowMs: 60_000 };
  const stoppedPg: PgReport = { role: 'stopped', timeline: 1, flushedLsn: 0, replayedLsn: 0, streaming: false, syncFlushedLsn: null };
  const streamingStandby: PgReport = { ...standbyPg, streaming: true };
  const peerHb = { from: 'beta', seq: 5, incarnation: 1, state: SYNC_BETA, holding: false, pg: streamingStandby, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  const base = { holding: true, syncTarget: 'beta', pg: stoppedPg, leaseUntil: 10_400, heardAt: 9990, peerHb } satisfies Partial<CoreState> & { heardAt?: number };
  const cases: { name: string; agreed: AgreedState; o?: Partial<CoreState>; want: string[]; says: RegExp; restarts: number }[] = [
    { name: 'first crash: restart in place', agreed: SYNC_BETA, want: ['resource:release'], says: /taking them again \(restart 1\)/, restarts: 1 },
    { name: 'second crash: restart in place', agreed: SYNC_BETA, o: { restartsAt: [5_000] }, want: ['resource:release'], says: /restart 2/, restarts: 2 },
    { name: 'third crash within the window: hand over to the synchronous standby', agreed: SYNC_BETA, o: { restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /handing the service to beta/, restarts: 0 },
    { name: 'older restarts fall out of the window: restart in place', agreed: SYNC_BETA, o: { restartsAt: [-60_000, 8_000] }, want: ['resource:release'], says: /restart 2/, restarts: 2 },
    { name: 'SOLO: the peer lacks commits, restart in place again', agreed: SOLO_ALPHA, o: { syncTarget: null, restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /restart 3/, restarts: 3 },
    { name: 'peer not streaming (the crashed primary is why): still hand over to the synchronous standby', agreed: SYNC_BETA, o: { peerHb: { ...peerHb, pg: standbyPg }, restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /handing the service to beta/, restarts: 0 },
    { name: 'peer dead: restart in place again', agreed: SYNC_BETA, o: { peer: { ...initCoreState(cfg, 0, SYNC_BETA, 1).peer, lastHeard: 8_000, since: 0, dead: true }, restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /restart 3/, restarts: 3 },
    { name: 'peer leaving: restart in place again', agreed: SYNC_BETA, o: { peerHb: { ...peerHb, leaving: true }, restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /restart 3/, restarts: 3 },
    { name: 'peer runs no standby: restart in place again', agreed: SYNC_BETA, o: { peerHb: { ...peerHb, pg: stoppedPg }, restartsAt: [5_000, 8_000] }, want: ['resource:release'], says: /restart 3/, restarts: 3 },
  ];
  for (const c of cases) {
    const r = tick(cfg, situation(cfg, c.agreed, { ...base, ...c.o }));
    assert.deepEqual(kinds(r.effects), c.want, c.name);
    assert.match(r.sentence, c.says, c.name);
    assert.equal(r.state.restartsAt.length, c.restarts, c.name);
    assert.equal(r.state.op?.purpose, /handing/.test(c.name) || /hand over/.test(c.name) ? 'handover' : 'stale', c.name);
  }
});

test('a crash loop ends in a handover even when each crash hits the restart itself: failed takes count as restarts', () => {
  const cfg = { ...cfgFor('alpha', { witness: true }), maxRestarts: 2, restartWindowMs: 60_000 };
  const stoppedPg: PgReport = { role: 'stopped', timeline: 1, flushedLsn: 0, replayedLsn: 0, streaming: false, syncFlushedLsn: null };
  const peerHb = { from: 'beta', seq: 5, incarnation: 1, state: SYNC_BETA, holding: false, pg: standbyPg, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  // Released after the first crash (restart 1); the take that follows fails (crashed again while starting).
  const taking = situation(cfg, SYNC_BETA, { holding: false, pg: stoppedPg, leaseUntil: 20_000, heardAt: 9990, peerHb, restartsAt: [9_000],
    op: { kind: 'take', id: 7, startedAt: 9_500, target: 'beta' } });
  const failed = step(cfg, taking, { kind: 'resourceDone', now: 10_000, id: 7, ok: false, reason: 'the postmaster is gone' });
  assert.deepEqual(failed.state.restartsAt, [9_000, 10_000], 'the failed take counts as a restart');
  const next = tick(cfg, { ...failed.state, peer: { ...failed.state.peer, lastHeard: failed.state.retryAt - 10 } }, failed.state.retryAt);
  assert.deepEqual(kinds(next.effects), ['resource:release'], 'the next decision hands over instead of taking again');
  assert.equal(next.state.op?.purpose, 'handover');
  assert.match(next.sentence, /could not be started again here \(2 restarts.*handing the service to beta/);
  // One restart so far: the take is retried.
  const once = step(cfg, { ...taking, restartsAt: [] }, { kind: 'resourceDone', now: 10_000, id: 7, ok: false });
  const retry = tick(cfg, { ...once.state, peer: { ...once.state.peer, lastHeard: once.state.retryAt - 10 } }, once.state.retryAt);
  assert.deepEqual(kinds(retry.effects), ['resource:take'], 'below maxRestarts the take is retried');
  // A SOLO primary never hands a crash loop over.
  const solo = situation(cfg, SOLO_ALPHA, { holding: false, pg: stoppedPg, leaseUntil: 20_000, heardAt: 9990, peerHb, restartsAt: [9_000, 9_500] });
  assert.deepEqual(kinds(tick(cfg, solo).effects), ['resource:take'], 'SOLO: taken again here');
});

test('the standby\'s promise for the holder\'s lease counts from when it last heard the holder, so it lapses before deadtime', () => {
  const cfg = cfgFor('beta', { witness: true });
  const peerHb = { from: 'alpha', seq: 7, incarnation: 1, state: SYNC_BETA, holding: true, pg: primaryPg, ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500 };
  // Heard 150 ms ago (within two keepalives): the heartbeat still acknowledges the renewal.
  const s = situation(cfg, SYNC_BETA, { pg: standbyPg, heardAt: 9850, peerHb, nextSendAt: 10_000 });
  const r = tick(cfg, s);
  const sent = r.effects.find((e) => e.kind === 'send');
  assert.ok(sent && sent.kind === 'send' && sent.hb.ack === 7, 'acknowledges the newest renewal');
  assert.equal(r.state.promiseUntil, 9850 + cfg.leaseMs * (1 + cfg.rho));
  assert.ok(r.state.promiseUntil < 9850 + cfg.deadtimeMs, 'lapses before the holder is declared dead');
});

test('the witness\'s record of a takeover starts the take in the same step (with the lease it grants), not at the next tick', () => {
  const cfg = cfgFor('beta', { witness: true });
  const next: AgreedState = { epoch: 3, primary: 'beta', sync: null };
  const s0 = situation(cfg, SYNC_BETA, { pg: standbyPg, heardAt: 9400, peer: { lastHeard: 9400, since: 0, dead: true, links: {} } });
  const s = { ...s0, witness: { ...s0.witness, cas: { id: 3, request: { expect: 2, next }, sentAt: 9995, purpose: 'take' as const }, sent: { ids: [3], at: [9995] } } };
  const r = step(cfg, s, { kind: 'witnessReply', now: 10_000, reply: { to: 'beta', id: 3, state: next, leaseMs: cfg.leaseMs, cas: { ok: true, why: 'recorded' } } });
  assert.deepEqual(kinds(r.effects).filter((k) => k !== 'send'), ['persist', 'lease', 'resource:take']);
});
