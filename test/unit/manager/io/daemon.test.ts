// Two daemon loops wired through in-memory media and fake resources (no network, no PostgreSQL):
// they bootstrap to one holder and one follower, and `standby` moves the service across.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgreedState } from '../../../../lib/manager/core/agreed-state.ts';
import { deriveTimings, type CoreConfig } from '../../../../lib/manager/core/core-config.ts';
import type { PgReport } from '../../../../lib/manager/core/pg-report.ts';
import { startDaemon, type Daemon, type Received } from '../../../../lib/manager/io/daemon.ts';
import type { Medium, ServiceResources, Store } from '../../../../lib/manager/ports.ts';

const cfgOf = (self: string, peer: string, i: number): CoreConfig => ({
  self, peer, selfIndex: i, links: ['mem'], keepaliveMs: 50, warntimeMs: 125, deadtimeMs: 250, initdeadMs: 500,
  witness: false, fence: false, autoFailback: 'off', preferred: 'alpha', ...deriveTimings(50, 250), retryMs: 250,
});

/** A pair of connected in-memory media. */
const mediumPair = (): [Medium, Medium] => {
  const handlers: ((f: Uint8Array) => void)[][] = [[], []];
  const make = (i: number): Medium => ({
    name: 'mem',
    send: async (frame) => { setImmediate(() => { for (const h of handlers[1 - i]!) h(frame); }); },
    onFrame: (h) => { handlers[i]!.push(h); },
    onStatus: () => undefined,
    close: async () => undefined,
  });
  return [make(0), make(1)];
};

/** A node's fake PostgreSQL and groups. */
const fakeNode = () => {
  const pg: { role: PgReport['role'] } = { role: 'stopped' };
  const resources: ServiceResources = {
    follow: async () => { pg.role = 'standby'; return { ok: true }; },
    take: async () => { pg.role = 'primary'; return { ok: true }; },
    release: async () => { pg.role = 'standby'; return { ok: true, lsn: 100, timeline: 1 }; },
    setSync: async () => ({ ok: true, lsn: 100 }),
    stop: async () => { pg.role = 'stopped'; return { ok: true }; },
  };
  const probe = (): PgReport => ({ role: pg.role, timeline: 1, flushedLsn: 100, replayedLsn: 100, streaming: pg.role === 'standby', syncFlushedLsn: pg.role === 'primary' ? 100 : null });
  let saved: AgreedState | undefined;
  const store: Store<AgreedState> = { load: async () => saved, save: async (v) => { saved = v; } };
  return { pg, resources, probe, store };
};

const waitFor = async (what: string, ok: () => boolean, ms: number): Promise<void> => {
  const end = performance.now() + ms;
  while (performance.now() < end) { if (ok()) return; await new Promise((r) => setTimeout(r, 20)); }
  assert.fail(`not within ${ms} ms: ${what}`);
};

test('two daemons bootstrap to one holder, and standby hands the service over', async () => {
  const [ma, mb] = mediumPair();
  const json = (from: string) => ({
    encode: (type: string, body: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify({ from, type, body })),
    decode: (f: Uint8Array) => JSON.parse(new TextDecoder().decode(f)) as Received,
  });
  const na = fakeNode();
  const nb = fakeNode();
  const lines: string[] = [];
  const start = (self: string, peer: string, i: number, medium: Medium, n: ReturnType<typeof fakeNode>): Promise<Daemon> => startDaemon({
    cfg: cfgOf(self, peer, i), incarnation: 1, clock: { now: () => performance.now() }, store: n.store, media: [medium], ...json(self),
    witness: null, resources: n.resources, probe: n.probe, fencer: null, fenceTimeoutMs: 1000, log: (l, line) => { lines.push(`${self} ${l}: ${line}`); },
  });
  const a = await start('alpha', 'beta', 0, ma, na);
  const b = await start('beta', 'alpha', 1, mb, nb);
  try {
    await waitFor('alpha holds, beta streams', () => a.status().holding && na.pg.role === 'primary' && a.status().peer.pg?.streaming === true, 3000);
    assert.equal(b.status().holding, false);
    assert.match(a.status().arbitration, /partition makes the service wait/);
    const outcome = await a.command('standby', 5000);
    assert.match(outcome, /beta holds the service now/, lines.join('\n'));
    await waitFor('beta holds, alpha follows', () => b.status().holding && nb.pg.role === 'primary' && na.pg.role === 'standby', 3000);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('every medium that carries the heartbeats is up, not only the fastest (copies on the slower ones are duplicates)', async () => {
  const { assembleClusterConfig } = await import('../../../../lib/manager/config/assemble-config.ts');
  const { packetChannel } = await import('../../../../lib/manager/io/packet-channel.ts');
  const haCf = 'keepalive 50ms\ndeadtime 250ms\nwarntime 125ms\ninitdead 500ms\nucast eth0 192.0.2.1\nnode alpha beta\n';
  const { config } = assembleClusterConfig({
    haCf: { file: 'ha.cf', text: haCf },
    haresources: { file: 'haresources', text: 'alpha dummy\n' },
    authkeys: { file: 'authkeys', text: 'auth 1\n1 sha256 test-secret\n' },
  });
  assert.ok(config);
  // Two links: 'fast' delivers at once, 'slow' delivers the same frames a little later.
  const pairOf = (name: string, delayMs: number): [Medium, Medium] => {
    const handlers: ((f: Uint8Array) => void)[][] = [[], []];
    const make = (i: number): Medium => ({
      name,
      send: async (frame) => { setTimeout(() => { for (const h of handlers[1 - i]!) h(frame); }, delayMs); },
      onFrame: (h) => { handlers[i]!.push(h); },
      onStatus: () => undefined,
      close: async () => undefined,
    });
    return [make(0), make(1)];
  };
  const [fa, fb] = pairOf('fast', 0);
  const [sa, sb] = pairOf('slow', 5);
  const links = ['fast', 'slow'];
  const start = (self: string, peer: string, i: number, media: Medium[], n: ReturnType<typeof fakeNode>): Promise<Daemon> => {
    const ch = packetChannel(config, self, 1, () => undefined);
    return startDaemon({
      cfg: { ...cfgOf(self, peer, i), links }, incarnation: 1, clock: { now: () => performance.now() }, store: n.store, media,
      encode: (type, body, to) => ch.encode(type, body, to), decode: (f) => ch.decode(f),
      witness: null, resources: n.resources, probe: n.probe, fencer: null, fenceTimeoutMs: 1000, log: () => undefined,
    });
  };
  const a = await start('alpha', 'beta', 0, [fa, sa], fakeNode());
  const b = await start('beta', 'alpha', 1, [fb, sb], fakeNode());
  try {
    // A link that only ever gets duplicates is never heard, so it never comes up (polled past
    // deadtime, tolerant of a busy machine's late timers).
    const upOn = (d: Daemon) => Object.fromEntries(d.status().links.map((l) => [l.name, l.up]));
    await new Promise((r) => setTimeout(r, 300));
    const end = performance.now() + 3000;
    while (performance.now() < end && !(upOn(a)['slow'] && upOn(b)['slow'] && upOn(a)['fast'] && upOn(b)['fast'])) await new Promise((r) => setTimeout(r, 25));
    for (const d of [a, b]) assert.deepEqual(upOn(d), { fast: true, slow: true });
  } finally {
    await a.stop();
    await b.stop();
  }
});
