// Replayed, forged and truncated packets against real `pgbeat start` daemons (and `pgbeat witness`)
// in network namespaces, heartbeats over bcast so a fourth host on the LAN hears them. The attacker
// records alpha's packets; beta restarts while alpha is cut off, so the only "alpha" packets beta hears
// in its new run are the recorded ones, of alpha's current generation: they are replays only because
// beta saved alpha's generation and highest seq in <state-dir>/peer-generations. Every drop is
// counted per cause in `pgbeat status --json` and in `--metrics`; once alpha is back its live packets
// are taken. The witness keeps its own file of the nodes' generations.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dummyDaemons, PGBEAT } from '../helpers/dummy-daemons.ts';
import { createLab, ip } from '../helpers/netns.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import type { MediumConfig } from '../../lib/manager/config/cluster-config.ts';

const ATTACKER = new URL('../helpers/medium-attacker.ts', import.meta.url).pathname;
const lab = createLab(4, [['198.51.100.21/24'], ['198.51.100.22/24'], ['198.51.100.23/24'], ['198.51.100.24/24']]);
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-replay-'));
after(() => {
  cluster.killAll();
  lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const PORT = 6960;
const BCAST: MediumConfig = { kind: 'bcast', dev: 'eth0', port: PORT };
const HACF = `cluster replaylab\nkeepalive 100ms\ndeadtime 500ms\nwarntime 250ms\ninitdead 2\nudpport ${PORT}\nbcast eth0\n`
  + 'node alpha beta\nauto_failback off\nwitness 198.51.100.23:6961\nlogfacility none\n';
const cluster = dummyDaemons(dir, { hacf: HACF, secret: 'replay-lab-secret', nodes: ['alpha', 'beta'] });
const { conf, launch, logs } = cluster;
const stateDir = (name: string): string => join(dir, `state-${name}`);
const METRICS = '127.0.0.1:9465';
const sock = (n: string): string => join(dir, `${n}.sock`);
const startNode = (i: 0 | 1): ChildProcess => {
  const n = i === 0 ? 'alpha' : 'beta';
  return launch(lab.host(i), n, ['start', '--config-dir', conf(n), '--socket', sock(n), '--state-dir', stateDir(n), '--metrics', METRICS]);
};

interface Status { peer: { alive: boolean; lastHeardMsAgo: number | null }; drops: Record<string, number> }
/** `pgbeat status --json` of node n (null when it does not answer). */
const status = (n: 'alpha' | 'beta'): Status | null => {
  const r = spawnSync(process.execPath, [PGBEAT, 'status', '--json', '--config-dir', conf(n), '--socket', sock(n)], { encoding: 'utf8', timeout: 15_000 });
  try {
    return r.status === 0 ? JSON.parse(r.stdout) as Status : null;
  } catch {
    return null;
  }
};
/** The /metrics text of node i, from inside its namespace. */
const scrape = async (i: number): Promise<string> => {
  const js = `fetch('http://${METRICS}/metrics').then(async (r) => process.stdout.write(await r.text()))`;
  const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', lab.host(i), process.execPath, '-e', js], { encoding: 'utf8', timeout: 10_000 });
  return stdout;
};
const dropped = (text: string, cause: string): number => {
  const line = text.split('\n').find((l) => new RegExp(`^pgbeat_dropped_packets(_total)?\\{cause="${cause}"\\} `).test(l));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
};
const runAttacker = (args: Record<string, unknown>): Promise<{ code: number | null; out: string }> =>
  new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', lab.host(3), process.execPath, '--import', 'tsx', ATTACKER, JSON.stringify({ medium: BCAST, cluster: 'replaylab', ...args })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code) => { clearTimeout(kill); resolve({ code, out }); });
  });
const exited = (p: ChildProcess): Promise<void> => new Promise((resolve) => { if (p.exitCode !== null || p.signalCode !== null) resolve(); else p.once('exit', () => resolve()); });

test('a packet replayed after our restart is dropped (the peer\'s generation and seq were saved); forged and truncated ones too; all counted per cause in status and metrics', async () => {
  launch(lab.host(2), 'witness', ['witness', '--config-dir', conf('witness'), '--state-dir', stateDir('witness')]);
  startNode(0);
  let beta = startNode(1);
  const both = (): boolean => status('alpha')?.peer.alive === true && status('beta')?.peer.alive === true;
  assert.ok(await waitUntil(both, { timeoutMs: 20_000 }), `the two daemons do not hear each other:\n${logs.slice(-40).join('\n')}`);

  const file = join(dir, 'captured');
  const cap = await runAttacker({ mode: 'capture', file, ms: 1_500 });
  assert.match(cap.out, /^captured [1-9]\d*$/m, cap.out);

  // beta stops (its run saves alpha's generation and highest seq), alpha is cut off, beta starts again.
  beta.kill('SIGTERM');
  await exited(beta);
  const saved = JSON.parse(readFileSync(join(stateDir('beta'), 'peer-generations'), 'utf8')) as Record<string, { generation: number; top: number }>;
  assert.ok(saved['alpha'] && saved['alpha'].top > 0, `beta saved alpha's generation and seq: ${JSON.stringify(saved)}`);
  ip('-n', lab.host(0), 'link', 'set', 'eth0', 'down');
  beta = startNode(1);
  assert.ok(await waitUntil(() => status('beta') !== null, { timeoutMs: 15_000 }), `beta does not answer after its restart:\n${logs.slice(-40).join('\n')}`);
  const rep = await runAttacker({ mode: 'replay', file, ms: 2_000, truncate: true });
  assert.match(rep.out, /^replayed [1-9]\d*$/m, rep.out);

  const s = status('beta')!;
  console.log(`# beta after the replay: peer ${JSON.stringify(s.peer)}, drops ${JSON.stringify(s.drops)}`);
  assert.equal(s.peer.lastHeardMsAgo, null, 'beta never took a replayed packet of alpha as alpha heard');
  assert.ok(s.drops['replay']! > 0, 'replays counted');
  assert.ok(s.drops['bad-mac']! > 0, 'forged packets counted');
  assert.ok(s.drops['truncated']! > 0, 'truncated packets counted');
  const m = await scrape(1);
  for (const cause of ['replay', 'bad-mac', 'truncated']) {
    assert.ok(dropped(m, cause) > 0, `--metrics counts ${cause}: ${m.split('\n').filter((l) => l.includes('dropped')).join(' | ')}`);
  }

  // alpha back: its live packets (seqs above the saved one) are taken.
  ip('-n', lab.host(0), 'link', 'set', 'eth0', 'up');
  assert.ok(await waitUntil(() => status('beta')?.peer.alive === true, { timeoutMs: 15_000 }), `beta does not hear alpha live again:\n${logs.slice(-40).join('\n')}`);
  const w = join(stateDir('witness'), 'witness-peer-generations');
  assert.ok(await waitUntil(() => existsSync(w) && /"alpha".*"beta"|"beta".*"alpha"/.test(readFileSync(w, 'utf8')), { timeoutMs: 5_000 }), 'the witness keeps its own file of both nodes');
});
