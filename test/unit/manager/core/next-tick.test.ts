// When the core asks for its next tick: every tickMs while anything moves; in the settled pair at the
// earliest clock deadline, at most idleTickMs away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveTimings, type CoreConfig } from '../../../../lib/manager/core/core-config.ts';
import { initCoreState, type CoreState } from '../../../../lib/manager/core/core-state.ts';
import type { Heartbeat } from '../../../../lib/manager/core/messages.ts';
import { nextTickAt, settled } from '../../../../lib/manager/core/next-tick.ts';
import { step } from '../../../../lib/manager/core/step.ts';
import type { PgReport } from '../../../../lib/manager/core/pg-report.ts';

const cfgFor = (self: 'alpha' | 'beta', witness = true): CoreConfig => ({
  self, peer: self === 'alpha' ? 'beta' : 'alpha', selfIndex: self === 'alpha' ? 0 : 1, links: ['lan', 'hb'],
  keepaliveMs: 100, warntimeMs: 250, deadtimeMs: 500, initdeadMs: 1500, witness, fence: false,
  autoFailback: 'off', preferred: 'alpha', ...deriveTimings(100, 500),
});
const AGREED = { epoch: 2, primary: 'alpha', sync: 'beta' };
const NOW = 10_000;
const pgOf = (role: 'primary' | 'standby'): PgReport => ({
  role, timeline: 1, flushedLsn: 100, replayedLsn: 100, streaming: role === 'standby', syncFlushedLsn: role === 'primary' ? 100 : null,
});
const hbFrom = (from: string, holding: boolean, o: Partial<Heartbeat> = {}): Heartbeat => ({
  from, seq: 5, incarnation: 1, state: AGREED, holding, pg: pgOf(holding ? 'primary' : 'standby'), ack: null,
  leaving: false, wantsService: false, candidate: null, deadtimeMs: 500, ...o,
});
const links = (heardAt: number) => ({ lan: { lastHeard: heardAt, up: true, adapterUp: true }, hb: { lastHeard: heardAt, up: true, adapterUp: true } });

/** alpha holding with beta its streaming synchronous standby, or beta that standby: settled. */
const pair = (self: 'alpha' | 'beta', o: Partial<CoreState> = {}, witness = true): { cfg: CoreConfig; s: CoreState } => {
  const cfg = cfgFor(self, witness);
  const s = initCoreState(cfg, 0, AGREED, 1);
  const primary = self === 'alpha';
  return {
    cfg,
    s: {
      ...s, now: NOW, lastTickAt: NOW, nextSendAt: NOW + 100, witness: { ...s.witness, nextRenewAt: NOW + 100 },
      peerSeenSinceBoot: true, peer: { lastHeard: NOW - 10, since: 0, dead: false, links: links(NOW - 10) },
      peerHb: hbFrom(cfg.peer, !primary), holding: primary, syncTarget: primary ? 'beta' : undefined,
      pg: pgOf(primary ? 'primary' : 'standby'), lastSyncHealthyAt: NOW, leaseUntil: primary ? NOW + 300 : -Infinity,
      promiseUntil: primary ? -Infinity : NOW + 350, ...o,
    },
  };
};

test('the settled pair ticks at its next deadline; anything moving brings back the fast tick', () => {
  const fast = NOW + 25;
  const cases: { name: string; self: 'alpha' | 'beta'; o?: Partial<CoreState>; witness?: boolean; settled: boolean; at: number }[] = [
    { name: 'primary, settled: the next heartbeat', self: 'alpha', settled: true, at: NOW + 100 },
    { name: 'standby, settled: the next heartbeat', self: 'beta', settled: true, at: NOW + 100 },
    { name: 'primary: its lease ends first', self: 'alpha', o: { leaseUntil: NOW + 60 }, settled: true, at: NOW + 60 },
    { name: 'standby: the peer goes dead first (just past deadtime)', self: 'beta', o: { peer: { lastHeard: NOW - 450, since: 0, dead: false, links: links(NOW - 10) } }, settled: true, at: NOW + 51 },
    { name: 'standby: a link goes dead first', self: 'beta', o: { peer: { lastHeard: NOW - 10, since: 0, dead: false, links: { ...links(NOW - 10), hb: { lastHeard: NOW - 470, up: true, adapterUp: true } } } }, settled: true, at: NOW + 31 },
    { name: 'primary: the standby stopped streaming a while ago', self: 'alpha', o: { lastSyncHealthyAt: NOW - 440 }, settled: true, at: NOW + 60 },
    { name: 'primary: no witness, the next heartbeat', self: 'alpha', witness: false, settled: true, at: NOW + 100 },
    { name: 'an action runs', self: 'alpha', o: { op: { kind: 'setSync', id: 3, startedAt: NOW - 5 } }, settled: false, at: fast },
    { name: 'a question is open at the witness', self: 'beta', o: { witness: { nextId: 2, sent: { ids: [], at: [] }, nextRenewAt: NOW + 100, lastReplyAt: null, cas: { id: 1, request: { expect: 2, next: { epoch: 3, primary: 'beta', sync: null } }, sentAt: NOW, purpose: 'take' } } }, settled: false, at: fast },
    { name: 'the peer is dead', self: 'beta', o: { peer: { lastHeard: NOW - 600, since: 0, dead: true, links: links(NOW - 600) } }, settled: false, at: fast },
    { name: 'the peer is leaving', self: 'beta', o: { peerHb: hbFrom('alpha', true, { leaving: true }) }, settled: false, at: fast },
    { name: 'a command is under way', self: 'alpha', o: { command: 'standby' }, settled: false, at: fast },
    { name: 'primary alone (SOLO) with the peer back', self: 'alpha', o: { syncTarget: null }, settled: false, at: fast },
    { name: 'the standby does not stream', self: 'beta', o: { pg: { ...pgOf('standby'), streaming: false }, standbyUnhealthySince: NOW - 50 }, settled: false, at: fast },
    { name: 'the primary holds nothing yet', self: 'alpha', o: { holding: false }, settled: false, at: fast },
    { name: 'after a failed action, until the retry', self: 'alpha', o: { retryAt: NOW + 900 }, settled: false, at: fast },
  ];
  for (const c of cases) {
    const { cfg, s } = pair(c.self, c.o, c.witness);
    assert.equal(settled(cfg, s), c.settled, c.name);
    assert.equal(nextTickAt(cfg, s), c.at, c.name);
  }
});

test('without idleTickMs every tick is tickMs apart, settled or not', () => {
  const { cfg, s } = pair('alpha');
  assert.equal(nextTickAt({ ...cfg, idleTickMs: undefined }, s), NOW + cfg.tickMs);
  assert.equal(cfg.idleTickMs, 100, 'keepalive 100 ms, deadtime 500 ms: at most 100 ms between settled ticks');
});

test('the settled standby reports to the witness every standbyReportMs; the primary renews every keepalive', () => {
  const at = NOW + 100;
  const renewals = (self: 'alpha' | 'beta', o: Partial<CoreState> = {}): { next: number; sent: boolean } => {
    const { cfg, s } = pair(self, { peer: { lastHeard: at - 10, since: 0, dead: false, links: links(at - 10) }, ...o });
    const r = step(cfg, s, { kind: 'tick', now: at });
    return { next: r.state.witness.nextRenewAt, sent: r.effects.some((e) => e.kind === 'witness' && e.request.cas === undefined) };
  };
  const cfg = cfgFor('beta');
  assert.equal(cfg.standbyReportMs, 250, 'keepalive 100 ms, deadtime 500 ms: two reports a deadtime');
  const cases: { name: string; self: 'alpha' | 'beta'; o?: Partial<CoreState>; next: number }[] = [
    { name: 'primary (settled): its lease, every keepalive', self: 'alpha', next: at + 100 },
    { name: 'standby, settled', self: 'beta', next: at + 250 },
    { name: 'standby not streaming (not settled)', self: 'beta', o: { pg: { ...pgOf('standby'), streaming: false }, standbyUnhealthySince: NOW - 50 }, next: at + 100 },
    { name: 'standby while a command is under way', self: 'beta', o: { command: 'takeover' }, next: at + 100 },
  ];
  for (const c of cases) {
    const r = renewals(c.self, c.o);
    assert.ok(r.sent, `${c.name}: a renewal or report went out`);
    assert.equal(r.next, c.next, c.name);
  }
});
