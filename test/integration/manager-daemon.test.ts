// Two `pgbeat start` daemons and a `pgbeat witness` in three network namespaces (198.51.100.0/24),
// heartbeats over ucast, a v1 resource script as the only group (no database): they bootstrap to one
// holder through the witness, status answers on the control socket, and when the holder's daemon is
// killed the peer takes the group over once the witness grants it. Each daemon serves --metrics
// inside its namespace; heartbeat's cl_status / hb_* tools answer through the control socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dummyDaemons, PGBEAT } from '../helpers/dummy-daemons.ts';
import { createLab, ip } from '../helpers/netns.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { askControl } from '../../lib/manager/io/control-socket.ts';
import type { StatusReport } from '../../lib/manager/core/status.ts';

const lab = createLab(3, [['198.51.100.11/24'], ['198.51.100.12/24'], ['198.51.100.13/24']]);
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-daemon-'));
after(() => {
  cluster.killAll();
  lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const HACF = `keepalive 100ms\ndeadtime 500ms\nwarntime 250ms\ninitdead 2\nudpport 6940\n`
  + 'ucast eth0 198.51.100.11\nucast eth0 198.51.100.12\nnode alpha beta\nauto_failback off\nwitness 198.51.100.13:6941\nlogfacility none\n';
const nodes = ['alpha', 'beta'] as const;
const cluster = dummyDaemons(dir, { hacf: HACF, secret: 'lab-secret', nodes });
const { conf, marker, launch, logs } = cluster;
const sock = (n: string): string => join(dir, `${n}.sock`);
const status = (n: string): Promise<StatusReport | null> => askControl(sock(n), { command: 'status' }, 2000).then((r) => r as StatusReport, () => null);
const METRICS = '127.0.0.1:9464'; // each namespace has its own loopback
const startNode = (i: number): ChildProcess => launch(lab.host(i), nodes[i]!, ['start', '--config-dir', conf(nodes[i]!), '--socket', sock(nodes[i]!), '--state-dir', join(dir, `state-${nodes[i]}`), '--metrics', METRICS]);

/** A plain HTTP GET of node i's /metrics, from inside its namespace. */
const scrape = async (i: number): Promise<{ status: number; type: string; text: string }> => {
  const js = `fetch('http://${METRICS}/metrics').then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, type: r.headers.get('content-type'), text: await r.text() })))`;
  const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', lab.host(i), process.execPath, '-e', js], { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(stdout) as { status: number; type: string; text: string };
};
/** The value of the first sample whose series starts with `prefix` (name and labels, as written). */
const sample = (text: string, prefix: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};
/** `pgbeat <tool> ...` against node n's daemon: stdout and exit code. */
const admin = (n: string, tool: string, ...args: string[]): { out: string; code: number | null } => {
  const r = spawnSync(process.execPath, [PGBEAT, tool, '--config-dir', conf(n), '--socket', sock(n), ...args], { encoding: 'utf8', timeout: 15_000 });
  return { out: r.stdout, code: r.status };
};

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

test('--metrics serves Prometheus text that follows a link going down and up; cl_status and hb_* answer', async () => {
  const m = await scrape(0);
  assert.equal(m.status, 200);
  assert.equal(m.type, 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(m.text, /^# HELP pgbeat_info /);
  assert.equal(sample(m.text, 'pgbeat_node_up{node="beta"}'), 1);
  assert.equal(sample(m.text, 'pgbeat_holding '), 1);
  assert.equal(sample(m.text, 'pgbeat_link_up{'), 1);
  assert.equal(sample(m.text, 'pgbeat_witness_reachable '), 1);
  assert.equal(sample(m.text, 'pgbeat_agreed_primary{node="alpha"}'), 1);
  assert.equal(sample(m.text, 'pgbeat_group_held{group="dummyres"}'), 1);
  assert.equal(sample(m.text, 'pgbeat_resource_state{group="dummyres",resource="dummyres",state="started"}'), 1);
  assert.ok((sample(m.text, 'pgbeat_service_operations_total{op="take",result="ok"}') ?? 0) >= 1, 'alpha took the service');
  assert.notEqual(sample(m.text, 'pgbeat_dropped_packets_total{cause="bad-mac"}'), undefined);
  assert.deepEqual(admin('alpha', 'cl_status', 'nodestatus', 'beta'), { out: 'active\n', code: 0 });
  assert.deepEqual(admin('alpha', 'cl_status', 'rscstatus'), { out: 'local\n', code: 0 });
  assert.deepEqual(admin('alpha', 'cl_status', 'hblinkstatus', 'beta', 'eth0'), { out: 'up\n', code: 0 });
  assert.deepEqual(admin('beta', 'cl_status', 'rscstatus'), { out: 'none\n', code: 0 });
  assert.deepEqual(admin('alpha', 'cl_status', 'hbstatus'), { out: 'Heartbeat is running on this machine.\n', code: 0 });
  assert.deepEqual(admin('alpha', 'cl_status', 'hbparameter', '-p', 'deadtime'), { out: '500ms\n', code: 0 });
  assert.equal(admin('beta', 'hb_standby', 'local').code, 0, 'nothing is preferred on beta: nothing to give up');
  assert.equal(admin('beta', 'hb_standby', 'bogus').code, 1);

  ip('-n', lab.host(1), 'link', 'set', 'eth0', 'down');
  let last = '';
  const down = await waitUntil(async () => {
    last = (await scrape(0)).text;
    return sample(last, 'pgbeat_node_up{node="beta"}') === 0 && sample(last, 'pgbeat_link_up{') === 0;
  }, { timeoutMs: 10_000, stepMs: 200 });
  assert.ok(down, `alpha's metrics did not show beta and the link down:\n${last}`);
  assert.ok((sample(last, 'pgbeat_peer_last_heard_seconds{node="beta"}') ?? 0) >= 0.5, 'beta last heard at least deadtime ago');
  assert.equal(sample(last, 'pgbeat_holding '), 1, 'alpha keeps the service (the witness vouches)');
  assert.deepEqual(admin('alpha', 'cl_status', 'nodestatus', 'beta'), { out: 'dead\n', code: 1 });
  assert.deepEqual(admin('alpha', 'cl_status', 'hblinkstatus', 'beta', 'eth0'), { out: 'dead\n', code: 1 });

  ip('-n', lab.host(1), 'link', 'set', 'eth0', 'up');
  const up = await waitUntil(async () => {
    last = (await scrape(0)).text;
    return sample(last, 'pgbeat_node_up{node="beta"}') === 1 && sample(last, 'pgbeat_link_up{') === 1;
  }, { timeoutMs: 15_000, stepMs: 200 });
  assert.ok(up, `alpha's metrics did not show beta back:\n${last}`);
});

test('--metrics exports each medium\'s counters as `status --json` lists them under media, and they follow the traffic', async () => {
  type Counters = { name: string; open: boolean; openAttempts: number; openFailures: number; sent: number; sendFailures: number; received: number };
  const media = async (): Promise<Counters[]> => ((await status('alpha')) as unknown as { media?: Counters[] } | null)?.media ?? [];
  const before = await media();
  assert.ok(before.length > 0, 'status lists alpha\'s media');
  const m = (await scrape(0)).text;
  const series = (c: Counters, family: string): number | undefined => {
    const device = c.name.split(' ')[1] ?? c.name;
    return sample(m, `pgbeat_${family}{link="${c.name}",device="${device}"} `);
  };
  for (const c of before) {
    assert.equal(series(c, 'medium_open'), c.open ? 1 : 0, `${c.name}: open`);
    // Scraped after the status: each counter at least what status said, the heartbeats moving on.
    for (const [family, value] of [['medium_open_attempts_total', c.openAttempts], ['medium_open_failures_total', c.openFailures], ['medium_sent_frames_total', c.sent],
      ['medium_send_failures_total', c.sendFailures], ['medium_received_frames_total', c.received]] as const) {
      const got = series(c, family);
      assert.notEqual(got, undefined, `${c.name}: ${family} exported:\n${m.split('\n').filter((l) => l.includes('medium')).join('\n')}`);
      assert.ok(got! >= value, `${c.name}: ${family} ${got} >= status's ${value}`);
    }
    assert.ok(series(c, 'medium_sent_frames_total')! > 0 && series(c, 'medium_received_frames_total')! > 0, `${c.name}: frames sent and received`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const later = (await scrape(0)).text;
  const up = before.find((c) => c.open)!;
  const device = up.name.split(' ')[1] ?? up.name;
  assert.ok(sample(later, `pgbeat_medium_sent_frames_total{link="${up.name}",device="${device}"} `)! > series(up, 'medium_sent_frames_total')!, 'frames sent go on counting (a heartbeat every 100 ms)');
});

test('start --metrics with a bad address exits 1 with the reason', () => {
  const r = spawnSync(process.execPath, [PGBEAT, 'start', '--config-dir', conf('alpha'), '--socket', join(dir, 'bad.sock'), '--state-dir', join(dir, 'state-bad'), '--metrics', 'nowhere:99999'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /--metrics: port 99999 in 'nowhere:99999' is outside 1-65535/);
});
