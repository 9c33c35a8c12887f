// The UDP heartbeat media (bcast, mcast, ucast) between two network namespaces: signed packets go both
// ways and are accepted by the receive path; each side also sees its own bcast/mcast loop back (dropped as own).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { MediumConfig } from '../../lib/manager/config/cluster-config.ts';
import { createLab } from '../helpers/netns.ts';

const lab = createLab(2, [['198.51.100.1/24'], ['198.51.100.2/24']], 'eth1');
after(() => lab.cleanup());

const PEER = new URL('../helpers/medium-peer.ts', import.meta.url).pathname;
const runPeer = (ns: string, medium: MediumConfig, self: string, peer: string): Promise<{ code: number | null; out: string }> =>
  new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', PEER, JSON.stringify({ medium, self, peer, want: 5 })], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    assert.match(a.out, /^accept beta \d+$/m);
    assert.match(b.out, /^accept alpha \d+$/m);
    if (kind !== 'ucast') assert.match(a.out, /^drop own$/m, 'our own bcast/mcast loops back');
  });
}
