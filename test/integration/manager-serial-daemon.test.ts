// Two `pgbeat start` daemons in network namespaces with two media: ucast on a LAN and a serial line
// (a socat pty pair, one end per node). The serial line is removed while they run (socat ended by
// PID): each daemon keeps running, logs the link down, keeps hearing its peer on the LAN, retries the
// port with backoff (few attempts, little CPU: heartbeat 3.0.6 spins there) and shows the medium's
// counters in `status --json`; a new pty pair behind the same paths brings the link back up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dummyDaemons, PGBEAT } from '../helpers/dummy-daemons.ts';
import { createLab } from '../helpers/netns.ts';
import { waitUntil } from '../helpers/lab-node.ts';

const lab = createLab(2, [['198.51.100.41/24'], ['198.51.100.42/24']]);
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-serial-daemon-'));
after(async () => {
  cluster.killAll();
  for (const p of socats) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const nodes = ['alpha', 'beta'] as const;
const tty = (n: string): string => join(dir, `tty-${n}`);
const sock = (n: string): string => join(dir, `${n}.sock`);
const cluster = dummyDaemons(dir, {
  hacf: (n) => 'keepalive 100ms\ndeadtime 1\nwarntime 500ms\ninitdead 2\nudpport 6980\n'
    + `ucast eth0 198.51.100.41\nucast eth0 198.51.100.42\nbaud 115200\nserial ${tty(n)}\nnode alpha beta\nauto_failback off\nlogfacility none\n`,
  secret: 'serial-lab-secret', nodes, witness: false,
});
const { conf, logs } = cluster;
const socats: ChildProcess[] = [];

/** A socat pty pair behind tty(alpha) and tty(beta); resolves once both links exist. */
const startSocat = async (): Promise<ChildProcess> => {
  const p = spawn('socat', [`pty,raw,echo=0,link=${tty('alpha')}`, `pty,raw,echo=0,link=${tty('beta')}`], { stdio: 'ignore' });
  socats.push(p);
  assert.ok(await waitUntil(() => existsSync(tty('alpha')) && existsSync(tty('beta')), { timeoutMs: 5_000, stepMs: 20 }), 'socat made the pty pair');
  return p;
};
const launch = (i: 0 | 1): ChildProcess => cluster.launch(lab.host(i), nodes[i], ['start', '--config-dir', conf(nodes[i]), '--socket', sock(nodes[i]), '--state-dir', join(dir, `state-${nodes[i]}`)]);

interface MediumCounters { name: string; open: boolean; openAttempts: number; openFailures: number; sent: number; sendFailures: number; received: number }
interface Status { peer: { alive: boolean }; links: { name: string; up: boolean }[]; media: MediumCounters[] }
const status = (n: string): Status | null => {
  const r = spawnSync(process.execPath, [PGBEAT, 'status', '--json', '--config-dir', conf(n), '--socket', sock(n)], { encoding: 'utf8', timeout: 15_000 });
  try {
    return r.status === 0 ? JSON.parse(r.stdout) as Status : null;
  } catch {
    return null;
  }
};
const serialOf = (s: Status | null): MediumCounters | undefined => s?.media.find((m) => m.name.startsWith('serial'));
/** User + system CPU time of a process so far (seconds), from /proc/<pid>/stat. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
};

test('a serial port removed while the daemons run: link down logged, peer still alive over the LAN, retried with backoff (no busy loop), counters in status --json; back up with a new pty pair', async () => {
  const socat = await startSocat();
  const daemons = [launch(0), launch(1)];
  const serialUp = (): boolean => nodes.every((n) => { const s = status(n); return s?.peer.alive === true && serialOf(s)?.open === true && (serialOf(s)?.received ?? 0) > 0; });
  assert.ok(await waitUntil(serialUp, { timeoutMs: 20_000 }), `both daemons hear each other over the serial line:\n${logs.slice(-40).join('\n')}`);

  const removedAt = Date.now();
  socat.kill('SIGTERM');
  const downLogged = (): boolean => nodes.every((n) => logs.some((l) => l.startsWith(`${n}: `) && /Medium serial .* down/.test(l)));
  assert.ok(await waitUntil(downLogged, { timeoutMs: 10_000, stepMs: 20 }), `each daemon logs the serial link down:\n${logs.slice(-40).join('\n')}`);
  console.log(`# the serial link down logged by both daemons ${Date.now() - removedAt} ms after socat was ended (polled every 20 ms)`);
  // Settle into the backoff, then measure a window of 4 s.
  await sleep(1_000);
  const before = nodes.map((n) => serialOf(status(n))!);
  const cpu0 = daemons.map((d) => cpuSeconds(d.pid!));
  await sleep(4_000);
  const cpu = daemons.map((d, i) => cpuSeconds(d.pid!) - cpu0[i]!);
  const afterward = nodes.map((n) => status(n)!);
  for (const [i, n] of nodes.entries()) {
    const s = afterward[i]!;
    const m = serialOf(s)!;
    const attempts = m.openAttempts - before[i]!.openAttempts;
    console.log(`# ${n}: serial ${JSON.stringify(m)}; in 4 s: ${attempts} open attempts, ${cpu[i]!.toFixed(2)} s CPU`);
    assert.equal(daemons[i]!.exitCode, null, `${n} keeps running`);
    assert.equal(s.peer.alive, true, `${n} still hears its peer over the LAN`);
    assert.equal(m.open, false, `${n}: the serial medium is not open`);
    assert.ok(m.openFailures > 0, `${n}: failed opens counted`);
    assert.ok(attempts >= 1 && attempts <= 6, `${n}: a handful of reopen attempts in 4 s (backoff), not a busy loop: ${attempts}`);
    assert.ok(cpu[i]! < 0.8, `${n}: under a fifth of a core while the port is gone (${cpu[i]!.toFixed(2)} s in 4 s)`);
    assert.ok(m.sent > 0 && m.received > 0, `${n}: frames counted from before the removal`);
  }

  await startSocat();
  const back = (): boolean => nodes.every((n) => serialOf(status(n))?.open === true) && nodes.every((n) => logs.some((l) => l.startsWith(`${n}: `) && /Medium serial \S+ up/.test(l)));
  assert.ok(await waitUntil(back, { timeoutMs: 15_000 }), `the serial link comes back on both:\n${logs.slice(-40).join('\n')}`);
});
