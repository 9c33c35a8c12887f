// The manager's ResourceRunner and executor with real parts: the built IPaddr agent (OCF form) and a
// tiny heartbeat v1 script in one group, inside a network namespace. take starts left to right,
// release stops right to left, monitor reads OCF codes and v1 status words, a failing start gives
// up what started and hands the group over, and a start that hangs is killed with its whole process
// group at the timeout.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GroupConfig, ResourceSpec } from '../../lib/manager/config/cluster-config.ts';
import { monitorPlan, releasePlan, restartPlan, takePlan } from '../../lib/manager/resources/group-plan.ts';
import { defaultResolveOptions } from '../../lib/manager/resources/invocation.ts';
import { judgeMonitor, recoveryDecision } from '../../lib/manager/resources/monitor-verdict.ts';
import { executePlan, type ExecutorOptions } from '../../lib/manager/resources/io/plan-executor.ts';
import { createResourceRunner } from '../../lib/manager/resources/io/resource-runner.ts';
import { processAlive } from '../../lib/pg/io/postmaster.ts';
import { agentPath } from '../helpers/agent.ts';
import { addressesOf, createLab, type Lab } from '../helpers/netns.ts';

const NIC = 'eth0';
const VIP = '192.0.2.100';
let lab: Lab | undefined;
let dir: string;

// `app DIR start|stop|status`: state in DIR; start fails when DIR/fail exists; each call logs
// whether the VIP is on the interface at that moment (so the order is visible).
const APP = `#!/bin/sh
d=$1; act=$2
vip=$(ip -o addr show dev ${NIC} | grep -c ' ${VIP}/' )
echo "$act vip=$vip" >> "$d/log"
case "$act" in
  start) [ -e "$d/fail" ] && { echo "app: cannot start (fail marker)" >&2; exit 1; }; touch "$d/running" ;;
  stop) rm -f "$d/running" ;;
  status) if [ -e "$d/running" ]; then echo running; else echo "app is not running"; fi ;;
esac
exit 0
`;
// `hang DIR start`: leaves a helper in its process group and never returns; stop and status are quick.
const HANG = `#!/bin/sh
d=$1; act=$2
case "$act" in
  start) sleep 300 & echo $! > "$d/helper.pid"; sleep 300 ;;
  status) echo stopped ;;
esac
exit 0
`;

const teardown = (): void => {
  lab?.cleanup();
  lab = undefined;
};
process.on('exit', teardown);

before(() => {
  assert.ok(existsSync(agentPath('IPaddr')), 'run npm run build first');
  lab = createLab(1, [['192.0.2.1/24']], NIC);
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-mgr-res-'));
  for (const d of ['ocf/resource.d/pgbeat', 'resource.d', 'init.d', 'run', 'app', 'hang']) mkdirSync(join(dir, d), { recursive: true });
  symlinkSync(agentPath('IPaddr'), join(dir, 'ocf/resource.d/pgbeat/IPaddr'));
  writeFileSync(join(dir, 'resource.d/app'), APP);
  // In init.d only: found there when resource.d has no such script.
  writeFileSync(join(dir, 'init.d/hang'), HANG);
  chmodSync(join(dir, 'resource.d/app'), 0o755);
  chmodSync(join(dir, 'init.d/hang'), 0o755);
});

after(() => {
  teardown();
  rmSync(dir, { recursive: true, force: true });
});

const IP: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'IPaddr', params: { ip: VIP, cidr_netmask: '24', nic: NIC }, text: `ocf:pgbeat:IPaddr::ip=${VIP}` };
const appSpec = (): ResourceSpec => ({ kind: 'v1', name: 'app', args: [join(dir, 'app')], text: `app::${join(dir, 'app')}` });
const hangSpec = (): ResourceSpec => ({ kind: 'v1', name: 'hang', args: [join(dir, 'hang')], text: `hang::${join(dir, 'hang')}` });
const group = (...resources: ResourceSpec[]): GroupConfig => ({ key: resources[0]!.text, preferredNode: 'n1', resources, at: 'haresources:1' });
const C = { node: 'n1', nodes: ['n1', 'n2'] };

const executor = (timeoutsMs: Record<string, number> = { start: 20_000, stop: 20_000, monitor: 20_000, status: 20_000 }): ExecutorOptions => ({
  runner: createResourceRunner({
    ...defaultResolveOptions('n1'),
    ocfRoot: join(dir, 'ocf'),
    v1Dirs: [join(dir, 'resource.d'), join(dir, 'init.d')],
    stateDir: join(dir, 'run'),
    path: `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
    prefix: ['ip', 'netns', 'exec', lab!.host(0)],
  }),
  timeoutsMs,
  retryDelayMs: 200,
  onRun: (r) => console.log(`# ${r.step.what} -> ${r.result.code}${r.result.timedOut ? ' (timed out)' : ''} in ${Math.round(r.result.durationMs)} ms${r.result.reason ? `: ${r.result.reason}` : ''}`),
});
const vipUp = (): boolean => addressesOf(lab!.host(0), NIC).includes(`${VIP}/24`);
const appLog = (): string[] => (existsSync(join(dir, 'app/log')) ? readFileSync(join(dir, 'app/log'), 'utf8').trim().split('\n') : []);
const resetLog = (): void => rmSync(join(dir, 'app/log'), { force: true });

it('take: the address, then the v1 script (it sees the address); monitor: healthy; release: the script, then the address', async () => {
  const g = group(IP, appSpec());
  resetLog();
  const take = await executePlan(takePlan(g, C), g, executor());
  assert.equal(take.verdict, 'done', take.sentence);
  assert.ok(vipUp(), 'the address is up');
  assert.deepEqual(appLog(), ['start vip=1'], 'the script started after the address');

  const mon = await executePlan(monitorPlan(g, true, 10_000), g, executor());
  assert.deepEqual(mon.runs.map((r) => `${r.step.action}=${r.result.code}`), ['monitor=0', 'status=0']);
  assert.equal(judgeMonitor(g.key, mon.runs).healthy, true);

  const release = await executePlan(releasePlan(g), g, executor());
  assert.equal(release.verdict, 'done', release.sentence);
  assert.ok(!vipUp(), 'the address is gone');
  assert.deepEqual(appLog(), ['start vip=1', 'status vip=1', 'stop vip=1'], 'the script stopped while the address was still up');
  const after = await executePlan(monitorPlan(g, true, 10_000), g, executor());
  assert.deepEqual(after.runs.map((r) => `${r.step.action}=${r.result.code}`), ['monitor=7', 'status=7'], 'both read as not running');
});

it('a failed v1 status is restarted in place, and the restart brings it back', async () => {
  const g = group(IP, appSpec());
  assert.equal((await executePlan(takePlan(g, C), g, executor())).verdict, 'done');
  unlinkSync(join(dir, 'app/running')); // the application "died"
  const mon = await executePlan(monitorPlan(g, true, 10_000), g, executor());
  const verdict = judgeMonitor(g.key, mon.runs);
  assert.ok(!verdict.healthy && verdict.failedIndex === 1, verdict.sentence);
  assert.equal(recoveryDecision(g.key, 0, 1).action, 'restart');
  const restart = await executePlan(restartPlan(g, verdict.failedIndex, true, C), g, executor());
  assert.equal(restart.verdict, 'done', restart.sentence);
  assert.deepEqual(restart.runs.map((r) => r.step.what), [`stop ${appSpec().text}`, `start ${appSpec().text}`], 'only the failed resource and those right of it');
  assert.equal(judgeMonitor(g.key, (await executePlan(monitorPlan(g, true, 10_000), g, executor())).runs).healthy, true);
  assert.equal((await executePlan(releasePlan(g), g, executor())).verdict, 'done');
});

it('a failing start gives up what started (right to left) and hands the group over', async () => {
  const g = group(IP, appSpec());
  writeFileSync(join(dir, 'app/fail'), '');
  try {
    const take = await executePlan(takePlan(g, C), g, executor());
    assert.equal(take.verdict, 'hand-over', take.sentence);
    assert.equal(take.failed?.result.reason, 'app: cannot start (fail marker)', 'the v1 script\'s stderr is the reason');
    assert.deepEqual(take.giveUp?.runs.map((r) => `${r.step.action} ${r.step.index}`), ['stop 1', 'stop 0']);
    assert.equal(take.giveUp?.verdict, 'done');
    assert.ok(!vipUp(), 'the address was removed again');
    assert.match(take.sentence, /the group must be handed over/);
  } finally {
    unlinkSync(join(dir, 'app/fail'));
  }
});

it('a start that hangs is killed at the timeout with its whole process group (a script from init.d)', async () => {
  const g = group(IP, hangSpec());
  const started = performance.now();
  const take = await executePlan(takePlan(g, C), g, executor({ start: 1_500, stop: 20_000 }));
  console.log(`# the hanging start was killed and the group given up ${Math.round(performance.now() - started)} ms after the take began`);
  assert.equal(take.verdict, 'hand-over', take.sentence);
  assert.equal(take.failed?.result.timedOut, true);
  assert.match(take.failed?.result.reason ?? '', /timed out after \d+ ms/);
  const helper = Number(readFileSync(join(dir, 'hang/helper.pid'), 'utf8'));
  // SIGKILL went to the group: the helper the script forked is gone (or a zombie awaiting its reaper).
  for (let i = 0; i < 50 && processAlive(helper); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!processAlive(helper), `the script's helper ${helper} was killed with it`);
  assert.ok(!vipUp(), 'the address was given up');
});

it('missing executables: start is "not installed" (5) and hands over; their stop succeeds (nothing can run), so no fencing', async () => {
  const v1Missing: ResourceSpec = { kind: 'v1', name: 'nosuch', args: [], text: 'nosuch' };
  const ocfMissing: ResourceSpec = { kind: 'ocf', provider: 'pgbeat', type: 'nosuch', params: {}, text: 'ocf:pgbeat:nosuch' };
  for (const r of [v1Missing, ocfMissing]) {
    const g = group(r);
    const take = await executePlan(takePlan(g, C), g, executor());
    assert.equal(take.verdict, 'hand-over', take.sentence);
    assert.equal(take.failed?.result.code, 5);
    assert.equal(take.giveUp?.verdict, 'done', 'the stop of a missing executable is 0');
    const release = await executePlan(releasePlan(g), g, executor());
    assert.equal(release.verdict, 'done', release.sentence);
  }
});
