// Two `pgbeat start` daemons and a `pgbeat witness` in three network namespaces (198.51.100.0/24),
// heartbeats over ucast, a v1 resource script as the only group (no database): they bootstrap to one
// holder through the witness, status answers on the control socket, and when the holder's daemon is
// killed the peer takes the group over once the witness grants it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent.ts';
import { createLab, ip } from '../helpers/netns.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { askControl } from '../../lib/manager/io/control-socket.ts';
import type { StatusReport } from '../../lib/manager/core/status.ts';

const PGBEAT = join(ROOT, 'dist', 'bin', 'pgbeat');
const lab = createLab(3, [['198.51.100.11/24'], ['198.51.100.12/24'], ['198.51.100.13/24']]);
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-daemon-'));
const procs: ChildProcess[] = [];
const logs: string[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const HACF = `keepalive 100ms\ndeadtime 500ms\nwarntime 250ms\ninitdead 2\nudpport 6940\n`
  + 'ucast eth0 198.51.100.11\nucast eth0 198.51.100.12\nnode alpha beta\nauto_failback off\nwitness 198.51.100.13:6941\nlogfacility none\n';
const nodes = ['alpha', 'beta'] as const;
const conf = (name: string): string => join(dir, name);
const marker = (node: string): string => join(dir, `${node}.running`);
for (const n of [...nodes, 'witness']) {
  const d = conf(n);
  mkdirSync(join(d, 'resource.d'), { recursive: true });
  writeFileSync(join(d, 'ha.cf'), HACF);
  writeFileSync(join(d, 'haresources'), 'alpha dummyres\n');
  writeFileSync(join(d, 'authkeys'), 'auth 1\n1 sha256 lab-secret\n');
  chmodSync(join(d, 'authkeys'), 0o600);
  if (n !== 'witness') {
    writeFileSync(join(d, 'nodeinfo'), `${n}\n`);
    const f = marker(n);
    writeFileSync(join(d, 'resource.d', 'dummyres'), `#!/bin/sh\ncase "$1" in\n start) touch ${f} ;;\n stop) rm -f ${f} ;;\n status) if [ -f ${f} ]; then echo running; else echo stopped; fi ;;\nesac\nexit 0\n`);
    chmodSync(join(d, 'resource.d', 'dummyres'), 0o755);
  }
}

const launch = (ns: string, name: string, args: string[]): ChildProcess => {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, PGBEAT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d: Buffer): void => { for (const l of d.toString().split('\n')) if (l) logs.push(`${name}: ${l}`); };
  p.stdout?.on('data', keep);
  p.stderr?.on('data', keep);
  procs.push(p);
  return p;
};
const sock = (n: string): string => join(dir, `${n}.sock`);
const status = (n: string): Promise<StatusReport | null> => askControl(sock(n), { command: 'status' }, 2000).then((r) => r as StatusReport, () => null);
const startNode = (i: number): ChildProcess => launch(lab.host(i), nodes[i]!, ['start', '--config-dir', conf(nodes[i]!), '--socket', sock(nodes[i]!), '--state-dir', join(dir, `state-${nodes[i]}`)]);

test('two daemons and a witness: bootstrap to one holder, then the peer takes over when the holder dies', async () => {
  launch(lab.host(2), 'witness', ['witness', '--config-dir', conf('witness'), '--state-dir', join(dir, 'state-witness')]);
  const alpha = startNode(0);
  startNode(1);
  const one = async (): Promise<boolean> => {
    const [a, b] = await Promise.all([status('alpha'), status('beta')]);
    return a !== null && b !== null && a.holding !== b.holding && existsSync(marker(a.holding ? 'alpha' : 'beta'));
  };
  assert.ok(await waitUntil(one, { timeoutMs: 20_000 }), `no single holder:\n${logs.slice(-60).join('\n')}`);
  const a = (await status('alpha'))!;
  const holder = a.holding ? 'alpha' : 'beta';
  assert.equal(holder, 'alpha', 'the preferred node takes at bootstrap (equal data)');
  assert.equal(a.agreed.primary, 'alpha');
  assert.equal(a.peer.alive, true);
  assert.ok(a.links.some((l) => l.up), JSON.stringify(a.links));
  assert.notEqual(a.witness.lastReplyMsAgo, null, 'the witness answers');
  process.kill(alpha.pid!, 'SIGKILL');
  const killedAt = performance.now();
  const tookOver = await waitUntil(async () => (await status('beta'))?.holding === true && existsSync(marker('beta')), { timeoutMs: 15_000, stepMs: 50 });
  assert.ok(tookOver, `beta did not take over:\n${logs.slice(-60).join('\n')}`);
  const b = (await status('beta'))!;
  assert.equal(b.agreed.primary, 'beta');
  assert.equal(b.peer.alive, false);
  console.log(`# takeover by beta ${Math.round(performance.now() - killedAt)} ms after the holder's daemon was killed (polled every 50 ms)`);
});

test('the holder cut off from peer and witness drops its group before the peer takes it; on heal it follows', async () => {
  startNode(0); // alpha back after the kill: beta keeps the group (auto_failback off)
  assert.ok(await waitUntil(async () => (await status('alpha'))?.peer.alive === true, { timeoutMs: 10_000 }), logs.slice(-40).join('\n'));
  assert.equal((await status('beta'))?.holding, true);
  assert.ok(await waitUntil(() => !existsSync(marker('alpha')), { timeoutMs: 10_000 }), 'the restarted alpha stops what its killed run left started');
  // Only a standby the agreed state names synchronous may take over (SOLO would make it wait).
  assert.ok(await waitUntil(async () => (await status('beta'))?.agreed.sync === 'alpha', { timeoutMs: 10_000 }), logs.slice(-40).join('\n'));
  ip('-n', lab.host(1), 'link', 'set', 'eth0', 'down');
  const cutAt = performance.now();
  let both = 0;
  const moved = await waitUntil(() => {
    if (existsSync(marker('alpha')) && existsSync(marker('beta'))) both++;
    return existsSync(marker('alpha')) && !existsSync(marker('beta'));
  }, { timeoutMs: 15_000, stepMs: 10 });
  assert.ok(moved, `alpha did not take over from the cut-off beta:\n${logs.slice(-60).join('\n')}`);
  console.log(`# alpha holds the group ${Math.round(performance.now() - cutAt)} ms after beta was cut off`);
  assert.equal(both, 0, 'the group never ran on both nodes at a sampled moment');
  ip('-n', lab.host(1), 'link', 'set', 'eth0', 'up');
  const healed = await waitUntil(async () => {
    const [a, b] = await Promise.all([status('alpha'), status('beta')]);
    return a?.holding === true && b?.holding === false && b.peer.alive && b.agreed.primary === 'alpha';
  }, { timeoutMs: 15_000 });
  assert.ok(healed, `no convergence after the heal:\n${logs.slice(-60).join('\n')}`);
  assert.equal(existsSync(marker('beta')), false);
});
