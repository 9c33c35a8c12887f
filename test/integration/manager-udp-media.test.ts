// The UDP heartbeat media (bcast, mcast, ucast) between two network namespaces: signed packets go both
// ways and are accepted by the receive path; each side also sees its own bcast/mcast loop back (dropped as own).
// A third host on the same LAN records the packets, then replays them after both nodes restarted
// (a newer generation, the peer's saved) and forges packets with a guessed key: all of it is dropped, per cause.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { MediumConfig } from '../../lib/manager/config/cluster-config.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, ip } from '../helpers/netns.ts';

const lab = createLab(3, [['198.51.100.1/24'], ['198.51.100.2/24'], ['198.51.100.3/24']], 'eth1');
// A second link between the two nodes only (eth2, 203.0.113.0/24), to show each medium keeps to its device.
ip('-n', lab.host(0), 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth2', 'netns', lab.host(1));
ip('-n', lab.host(0), 'addr', 'add', '203.0.113.1/24', 'dev', 'eth2');
ip('-n', lab.host(1), 'addr', 'add', '203.0.113.2/24', 'dev', 'eth2');
ip('-n', lab.host(0), 'link', 'set', 'eth2', 'up');
ip('-n', lab.host(1), 'link', 'set', 'eth2', 'up');
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-udp-'));
after(() => {
  lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const PEER = new URL('../helpers/medium-peer.ts', import.meta.url).pathname;
const ATTACKER = new URL('../helpers/medium-attacker.ts', import.meta.url).pathname;
const runPeer = (ns: string, medium: MediumConfig | undefined, self: string, peer: string, extra: Record<string, unknown> = {}) =>
  runScript(ns, PEER, { medium, self, peer, want: 5, ...extra });
const runScript = (ns: string, script: string, args: Record<string, unknown>): Promise<{ code: number | null; out: string }> =>
  new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const kill = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, out });
    });
  });

const cases: [string, (peerAddress: string) => MediumConfig][] = [
  ['bcast', () => ({ kind: 'bcast', dev: 'eth1', port: 6940 })],
  ['mcast', () => ({ kind: 'mcast', dev: 'eth1', group: '239.0.2.94', port: 6941, ttl: 1, loop: true })],
  ['ucast', (peerAddress) => ({ kind: 'ucast', dev: 'eth1', peer: peerAddress, port: 6942 })],
];
for (const [kind, medium] of cases) {
  test(`${kind} medium: both nodes accept the other's signed packets`, async () => {
    const [a, b] = await Promise.all([
      runPeer(lab.host(0), medium('198.51.100.2'), 'alpha', 'beta'),
      runPeer(lab.host(1), medium('198.51.100.1'), 'beta', 'alpha'),
    ]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    assert.match(a.out, /^status up/m);
    assert.match(a.out, /^accept beta \d+\/\d+$/m);
    assert.match(b.out, /^accept alpha \d+\/\d+$/m);
    if (kind !== 'ucast') assert.match(a.out, /^drop own$/m, 'our own bcast/mcast loops back');
  });
}

test('ucast with the same two lines on both nodes (one ha.cf): the line to itself is skipped, packets flow', async () => {
  const media: MediumConfig[] = ['198.51.100.1', '198.51.100.2'].map((peer) => ({ kind: 'ucast', dev: 'eth1', peer, port: 6946 }));
  const [a, b] = await Promise.all([
    runPeer(lab.host(0), undefined, 'alpha', 'beta', { media }),
    runPeer(lab.host(1), undefined, 'beta', 'alpha', { media }),
  ]);
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  assert.match(a.out, /^media 1: ucast eth1 198\.51\.100\.2:6946$/m);
  assert.match(b.out, /^media 1: ucast eth1 198\.51\.100\.1:6946$/m);
  assert.match(a.out, /^accept beta /m);
  assert.match(b.out, /^accept alpha /m);
});

test('bcast keeps to its device: a node on eth2 does not hear the other node\'s bcast on eth1, same port', async () => {
  const [a, b] = await Promise.all([
    runPeer(lab.host(0), { kind: 'bcast', dev: 'eth1', port: 6945 }, 'alpha', 'beta', { want: 0, minMs: 1000 }),
    runPeer(lab.host(1), { kind: 'bcast', dev: 'eth2', port: 6945 }, 'beta', 'alpha', { want: 0, minMs: 1000 }),
  ]);
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  assert.match(a.out, /^drop own$/m, 'alpha hears its own broadcasts on eth1');
  assert.doesNotMatch(a.out, /^accept/m, a.out);
  assert.doesNotMatch(b.out, /^accept/m, b.out);
});

test('bcast: packets replayed after a restart and packets forged with a guessed key are dropped and counted', async () => {
  const bcast: MediumConfig = { kind: 'bcast', dev: 'eth1', port: 6944 };
  const file = join(dir, 'captured');
  // Generation 1: the third host records what the two nodes send.
  const [, , cap] = await Promise.all([
    runPeer(lab.host(0), bcast, 'alpha', 'beta', { generation: 1 }),
    runPeer(lab.host(1), bcast, 'beta', 'alpha', { generation: 1 }),
    runScript(lab.host(2), ATTACKER, { medium: bcast, mode: 'capture', file, ms: 1500 }),
  ]);
  assert.match(cap.out, /^captured [1-9]\d*$/m, cap.out);
  // Later runs (generation 2; each node saved the other's generation 2 before its own restart) while
  // the third host replays the generation-1 packets and forges new ones.
  const [a, b, rep] = await Promise.all([
    runPeer(lab.host(0), bcast, 'alpha', 'beta', { generation: 2, minMs: 1500, known: { beta: 2 } }),
    runPeer(lab.host(1), bcast, 'beta', 'alpha', { generation: 2, minMs: 1500, known: { alpha: 2 } }),
    runScript(lab.host(2), ATTACKER, { medium: bcast, mode: 'replay', file, ms: 2000 }),
  ]);
  assert.equal(rep.code, 0, rep.out);
  for (const [r, peer] of [[a, 'beta'], [b, 'alpha']] as const) {
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^drop bad-mac$/m, 'forged packets dropped');
    assert.match(r.out, /^drop (replay|own)$/m, 'replayed packets dropped');
    const accepted = [...r.out.matchAll(/^accept (\S+) (\d+)\/\d+$/gm)];
    assert.ok(accepted.length >= 5);
    assert.deepEqual(new Set(accepted.map((x) => `${x[1]} ${x[2]}`)), new Set([`${peer} 2`]), 'only generation 2 accepted');
  }
  assert.match(b.out, /^drop replay$/m, 'the replayed generation-1 packets of alpha are replays at beta');
});
