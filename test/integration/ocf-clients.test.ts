// test: exclusive (installs into the system's OCF directory)
// The real clients against the INSTALLED IPaddr agent, inside a lab network namespace:
// ocf-tester, Pacemaker's executor without a cluster (crm_resource --force-*), heartbeat's own
// ResourceManager, and the heartbeat 3.0.6 daemon in v1 (haresources) mode.
// Needs root, resource-agents, pacemaker-cli-utils and heartbeat (scripts/setup-system.sh).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { callAgent } from '../helpers/agent.ts';
import { installIntoSystem, OCF_PROVIDER_DIR } from '../helpers/install.ts';
import { addressesOf, createLab, ip, macOf, neighbourMac, type Lab } from '../helpers/netns.ts';
import { haCfText } from '../helpers/heartbeat-cluster.ts';

const AGENT = `${OCF_PROVIDER_DIR}/IPaddr`;
const RESOURCE_MANAGER = '/usr/share/heartbeat/ResourceManager';
const HEARTBEAT = '/usr/libexec/heartbeat/heartbeat';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const NIC = 'eth0';

/** What a bounded command run produced; `out` is stdout and stderr together. */
interface Run { status: number | null; stdout: string; stderr: string; out: string }

/** Runs a command inside a network namespace with a clean environment (plus `env`), bounded. */
const inNs = (ns: string, argv: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Run => {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], {
    encoding: 'utf8', env: { PATH, LANG: 'C', ...opts.env }, timeout: opts.timeoutMs ?? 60_000, cwd: '/',
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}` };
};

/** Polls until `check` holds or `ms` pass; returns the last result. */
const waitFor = async (check: () => boolean, ms: number, stepMs = 100): Promise<boolean> => {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
};

let lab: Lab;
let host0: string;
let host1: string;
let install: ReturnType<typeof installIntoSystem>;
/** Every VIP a test may have left behind; after() stops each one with the agent. */
const vips = new Set<string>();
const temps: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o755);
  temps.push(d);
  return d;
};
const hasAddress = (ns: string, cidr: string): boolean => addressesOf(ns, NIC).includes(cidr);

before(() => {
  install = installIntoSystem();
  lab = createLab(2, [['192.0.2.1/24'], ['192.0.2.2/24']], NIC);
  host0 = lab.host(0);
  host1 = lab.host(1);
});

after(() => {
  try {
    for (const vip of vips) callAgent(AGENT, 'stop', { ip: vip, nic: NIC }, { ns: host0 });
  } finally {
    lab?.cleanup();
    install?.restore();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }
});

describe('ocf-tester (resource-agents 4.12) against the installed agent', () => {
  // Options first, an absolute path last, and no stray single-letter option: ocf-tester answers
  // an unknown one (-L) with usage and exit 0 without testing anything. Checking the banner and
  // the verdict line below catches that.
  const ocfTester = (instance: string, params: Record<string, string>): Run =>
    inNs(host0, [
      'timeout', '300', 'ocf-tester', '-n', instance,
      ...Object.entries(params).flatMap(([k, v]) => ['-o', `${k}=${v}`]),
      AGENT,
    ], { timeoutMs: 320_000 });

  const cases: [string, Record<string, string>][] = [
    ['ip, cidr_netmask and nic', { ip: '192.0.2.50', cidr_netmask: '24', nic: NIC }],
    ['a bare address (nic and netmask found from the connected route)', { ip: '192.0.2.51' }],
  ];
  for (const [name, params] of cases) {
    it(`passes all tests with ${name}`, () => {
      vips.add(params['ip']!);
      const r = ocfTester('vip-test', params);
      assert.equal(r.status, 0, r.out);
      assert.match(r.stdout, new RegExp(`^Beginning tests for ${AGENT}\\.\\.\\.$`, 'm'), r.out);
      assert.match(r.stdout, new RegExp(`^${AGENT} passed all tests$`, 'm'), r.out);
      assert.doesNotMatch(r.out, /Tests failed|Aborting tests|^\* rc=|too restrictive permissions|does not conform/m);
      // ocf-tester may leave the resource running after its last steps: stop it and check.
      const stop = callAgent(AGENT, 'stop', params, { ns: host0 });
      assert.equal(stop.code, 0, stop.stderr);
      assert.ok(!hasAddress(host0, `${params['ip']}/24`), `${params['ip']} removed`);
    });
  }
});

describe('Pacemaker executor without a cluster (crm_resource --force-*)', () => {
  // Pacemaker 2.1.5 rejects `-r NAME` together with --class/--provider/--agent ("--resource cannot
  // be used with --class, --agent, and --provider", exit 64 = CRM_EX_USAGE), so none is given.
  const crm = (op: string, params: Record<string, string>): Run =>
    inNs(host0, [
      'timeout', '60', 'crm_resource', `--${op}`, '--class', 'ocf', '--provider', 'pgbeat', '--agent', 'IPaddr',
      ...Object.entries(params).flatMap(([k, v]) => ['--option', `${k}=${v}`]),
    ]);
  const VIP = '192.0.2.52';
  const params = { ip: VIP, cidr_netmask: '24', nic: NIC };

  it('lists the pgbeat provider and its agent, and shows its meta-data', () => {
    const providers = inNs(host0, ['crm_resource', '--list-ocf-providers']);
    assert.equal(providers.status, 0, providers.out);
    assert.ok(providers.stdout.split('\n').includes('pgbeat'), providers.stdout);
    const agents = inNs(host0, ['crm_resource', '--list-agents', 'ocf:pgbeat']);
    assert.equal(agents.status, 0, agents.out);
    assert.ok(agents.stdout.split('\n').includes('IPaddr'), agents.stdout);
    const md = inNs(host0, ['crm_resource', '--show-metadata', 'ocf:pgbeat:IPaddr']);
    assert.equal(md.status, 0, md.out);
    assert.match(md.stdout, /<resource-agent name="IPaddr"/);
    assert.match(md.stdout, /<parameter name="ip" unique="1" required="1">/);
    assert.match(md.stdout, /<action name="monitor" /);
  });

  it('start, check, stop: exit codes and the address on the interface', () => {
    vips.add(VIP);
    // Measured (Pacemaker 2.1.5): crm_resource exits with the agent's OCF code for 0-7, because
    // crm_exit_t 0-7 are the same numbers (CRM_EX_NOT_RUNNING = 7 = OCF_NOT_RUNNING). A check on
    // a stopped resource prints "Error performing operation: Not running" and exits 7.
    const check0 = crm('force-check', params);
    assert.equal(check0.status, 7, check0.out);
    assert.match(check0.out, /Operation force-check \(ocf:pgbeat:IPaddr\) returned 7 \(not running\)/);
    assert.ok(!hasAddress(host0, `${VIP}/24`));

    const start = crm('force-start', params);
    assert.equal(start.status, 0, start.out);
    assert.match(start.out, /Operation force-start \(ocf:pgbeat:IPaddr\) returned 0 \(ok\)/);
    assert.ok(hasAddress(host0, `${VIP}/24`), 'address added');

    const check1 = crm('force-check', params);
    assert.equal(check1.status, 0, check1.out);
    const again = crm('force-start', params);
    assert.equal(again.status, 0, `starting a started resource succeeds: ${again.out}`);
    assert.equal(addressesOf(host0, NIC).filter((a) => a === `${VIP}/24`).length, 1);

    const stop = crm('force-stop', params);
    assert.equal(stop.status, 0, stop.out);
    assert.ok(!hasAddress(host0, `${VIP}/24`), 'address removed');
    assert.ok(hasAddress(host0, '192.0.2.1/24'), 'the host address is untouched');
    const check2 = crm('force-check', params);
    assert.equal(check2.status, 7, check2.out);
    const stop2 = crm('force-stop', params);
    assert.equal(stop2.status, 0, `stopping a stopped resource succeeds: ${stop2.out}`);
  });

  it('passes the agent\'s error codes and exit reasons through', () => {
    // 6 = OCF_ERR_CONFIGURED / CRM_EX_NOT_CONFIGURED: wrong everywhere.
    const bad = crm('force-start', { ip: '192.0.2.999' });
    assert.equal(bad.status, 6, bad.out);
    assert.match(bad.out, /returned 6 \(not configured: Invalid parameter ip='192\.0\.2\.999'/);
    // 2 = OCF_ERR_ARGS / CRM_EX_INVALID_PARAM: wrong on this node only (no such interface here).
    const nic = crm('force-start', { ip: '192.0.2.53', nic: 'nosuch0' });
    assert.equal(nic.status, 2, nic.out);
    assert.match(nic.out, /Error performing operation: Invalid parameter/);
    // A probe with a configuration that cannot be running here says "not running".
    const probe = crm('force-check', { ip: '192.0.2.999' });
    assert.equal(probe.status, 7, probe.out);
    // 3 = OCF_ERR_UNIMPLEMENTED / CRM_EX_UNIMPLEMENT_FEATURE.
    const demote = crm('force-demote', params);
    assert.equal(demote.status, 3, demote.out);
    assert.ok(!hasAddress(host0, '192.0.2.53/24') && !hasAddress(host0, `${VIP}/24`));
  });

  // Regression: iputils-arping takes whole seconds for -i; a fractional value made arping exit 1,
  // so no gratuitous ARP was sent and the duplicate probe never ran (both now under crm_resource).
  it('announces the address: a neighbour\'s stale ARP entry points at us after start', async () => {
    const vip = '192.0.2.54';
    vips.add(vip);
    ip('-n', host1, 'neigh', 'replace', vip, 'lladdr', '02:00:00:00:00:99', 'dev', NIC, 'nud', 'stale');
    try {
      const start = crm('force-start', { ip: vip, cidr_netmask: '24', nic: NIC });
      assert.equal(start.status, 0, start.out);
      const ours = macOf(host0, NIC);
      const updated = await waitFor(() => neighbourMac(host1, vip) === ours, 3_000);
      assert.ok(updated, `host1 still maps ${vip} to ${neighbourMac(host1, vip)}, not ${ours}; agent said:\n${start.out}`);
    } finally {
      crm('force-stop', { ip: vip, cidr_netmask: '24', nic: NIC });
      spawnSync('ip', ['-n', host1, 'neigh', 'del', vip, 'dev', NIC]);
    }
  });

  it('refuses an address another host already answers for', () => {
    // host1 holds 192.0.2.2.
    vips.add('192.0.2.2');
    const start = crm('force-start', { ip: '192.0.2.2', cidr_netmask: '24', nic: NIC });
    try {
      assert.notEqual(start.status, 0, `start of a duplicate address succeeded:\n${start.out}`);
      assert.ok(!hasAddress(host0, '192.0.2.2/24'));
    } finally {
      if (start.status === 0) crm('force-stop', { ip: '192.0.2.2', cidr_netmask: '24', nic: NIC });
    }
  });
});

// ---- heartbeat v1 ----

/**
 * A private /etc/ha.d for one command: `dir` (holding haresources, maybe ha.cf and authkeys) is
 * bind-mounted over /etc/ha.d in a new mount namespace, with the REAL resource.d (so our installed
 * pgbeat-IPaddr is what runs), rc.d, shellfuncs and harc bind-mounted into it. A symlink to
 * /etc/ha.d/shellfuncs would not do: after the mount it points at itself.
 */
const HA_MOUNTS = [
  'set -e',
  'for d in resource.d rc.d; do mkdir -p "$PGB_HA/$d"; mount --bind "/etc/ha.d/$d" "$PGB_HA/$d"; done',
  'for f in shellfuncs harc; do touch "$PGB_HA/$f"; mount --bind "/etc/ha.d/$f" "$PGB_HA/$f"; done',
  'mount --rbind "$PGB_HA" /etc/ha.d',
  'set +e',
].join('\n');

describe('heartbeat v1: the real ResourceManager with haresources', () => {
  const VIP = '192.0.2.60';
  const RESOURCE = `pgbeat-IPaddr::${VIP}/24/${NIC}`;
  const node = hostname().toLowerCase();
  let dir: string;
  let logFile: string;

  /** Runs `argv` in the lab namespace with the private /etc/ha.d. */
  const withHa = (argv: string[]): Run =>
    inNs(host0, ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${HA_MOUNTS}\nexec "$@"`, 'sh', ...argv], {
      env: { PGB_HA: dir, HA_LOGFILE: logFile, HA_DEBUGLOG: join(dir, 'ha-debug.log'), HA_LOGFACILITY: 'none' },
    });
  const rm = (...args: string[]): Run => withHa([RESOURCE_MANAGER, ...args]);
  const v1Status = (): Run => withHa([`/etc/ha.d/resource.d/pgbeat-IPaddr`, `${VIP}/24/${NIC}`, 'status']);
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const startLines = (): number => (log().match(/Running \/etc\/ha\.d\/+resource\.d\/pgbeat-IPaddr 192\.0\.2\.60\/24\/eth0 start/g) ?? []).length;

  before(() => {
    vips.add(VIP);
    dir = tempDir('pgbeat-ha.d-');
    logFile = join(dir, 'ha.log');
    // The first field is the node (ResourceManager lowercases it); the key is the first resource.
    writeFileSync(join(dir, 'haresources'), `# written by ocf-clients.test.ts\n${node}  ${RESOURCE}\n`);
  });

  it('finds the group and reports it stopped before takeover', () => {
    const keys = rm('listkeys', node);
    assert.equal(keys.status, 0, keys.out);
    assert.equal(keys.stdout.trim(), RESOURCE, 'the dash in pgbeat-IPaddr is an ordinary character to ResourceManager');
    // `status` exits 0 when we_own_resource (stdout has "running"/"OK"), 3 otherwise.
    assert.equal(rm('status', RESOURCE).status, 3);
    const s = v1Status();
    assert.equal(s.stdout, 'stopped\n', s.out);
    assert.equal(rm('verifyallidle').status, 0);
  });

  it('takegroup starts the resource through the installed v1 script', () => {
    const take = rm('takegroup', RESOURCE);
    assert.equal(take.status, 0, `${take.out}\n${log()}`);
    assert.ok(hasAddress(host0, `${VIP}/24`), `address added; log:\n${log()}`);
    assert.match(log(), /Acquiring resource group: \S+ pgbeat-IPaddr::192\.0\.2\.60\/24\/eth0/);
    assert.equal(startLines(), 1);
    assert.equal(rm('status', RESOURCE).status, 0, 'heartbeat sees it running');
    assert.equal(v1Status().stdout, 'running\n');
    // The init script's pre-start check now complains, as it must.
    const idle = rm('verifyallidle');
    assert.equal(idle.status, 1);
    assert.match(idle.stderr, /CRITICAL: Resource pgbeat-IPaddr::192\.0\.2\.60\/24\/eth0 is active, and should not be!/);
  });

  it('a second takegroup sees it running and does not start it again', () => {
    assert.equal(rm('takegroup', RESOURCE).status, 0);
    assert.equal(startLines(), 1, log());
    assert.ok(hasAddress(host0, `${VIP}/24`));
  });

  it('givegroup stops it; a second givegroup (stop when stopped) succeeds without retries', () => {
    const give = rm('givegroup', RESOURCE);
    assert.equal(give.status, 0, `${give.out}\n${log()}`);
    assert.ok(!hasAddress(host0, `${VIP}/24`), 'address removed');
    assert.match(log(), /Running \/etc\/ha\.d\/+resource\.d\/pgbeat-IPaddr 192\.0\.2\.60\/24\/eth0 stop/);
    assert.equal(rm('status', RESOURCE).status, 3, 'heartbeat sees it stopped');
    assert.equal(v1Status().stdout, 'stopped\n');
    assert.equal(rm('givegroup', RESOURCE).status, 0);
    assert.doesNotMatch(log(), /Retrying failed stop|not LSB-compliant|Reboot required/);
  });
});

/** One heartbeat 3.0.6 daemon in its own network (the lab host), mount, UTS and PID namespaces. */
interface Daemon {
  /** PID of `ip netns exec ... unshare` (our child). */
  outer: number;
  /** PID of heartbeat's master control process (PID 1 of its PID namespace). */
  master: number;
  log: () => string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

const HEARTBEAT_BOOT = [
  HA_MOUNTS,
  'set -e',
  'hostname "$PGB_NODE"',
  'mount --bind "$PGB_VARLIB" /var/lib/heartbeat',
  // A private /run: heartbeat's pid file, /run/heartbeat and the agents' state stay in here.
  'mount -t tmpfs -o mode=755 tmpfs /run',
  'mkdir -p /run/heartbeat /run/resource-agents',
  'chown hacluster:haclient /run/heartbeat && chmod 750 /run/heartbeat',
  `exec ${HEARTBEAT} -f`,
].join('\n');

/** Writes ha.cf, authkeys and haresources for a daemon run, and starts heartbeat. */
const startHeartbeat = async (ns: string, nodeName: string, haCf: string[], haresources: string): Promise<Daemon> => {
  const base = tempDir('pgbeat-hb-');
  const etc = join(base, 'etc');
  const varlib = join(base, 'varlib');
  const logs = join(base, 'log');
  for (const d of [etc, join(varlib, 'cores', 'root'), join(varlib, 'cores', 'hacluster'), logs]) mkdirSync(d, { recursive: true });
  const logFile = join(logs, 'ha.log');
  writeFileSync(join(etc, 'ha.cf'), haCfText(logFile, join(logs, 'ha-debug.log'), haCf));
  writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 pgbeat-ocf-clients-test\n', { mode: 0o600 });
  chmodSync(join(etc, 'authkeys'), 0o600);
  writeFileSync(join(etc, 'haresources'), `${haresources}\n`);

  const child = spawn('ip', [
    'netns', 'exec', ns, 'unshare', '-m', '-u', '-p', '-f', '--mount-proc', '--propagation', 'private',
    'sh', '-c', HEARTBEAT_BOOT,
  ], { env: { PATH, LANG: 'C', PGB_HA: etc, PGB_VARLIB: varlib, PGB_NODE: nodeName }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const outer = child.pid!;
  // unshare --fork: heartbeat is unshare's only child.
  let master = 0;
  await waitFor(() => {
    try {
      master = Number(readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim().split(' ')[0] || 0);
    } catch {
      master = 0;
    }
    return master > 0;
  }, 5_000, 20);
  assert.ok(master > 0, `heartbeat did not start: ${output}`);
  const log = (): string => `${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}${output ? `\n[stdout/stderr]\n${output}` : ''}`;
  return { outer, master, log, exited, child };
};

/** Runs a command in all of the daemon's namespaces (as the init script would on that node). */
const inDaemon = (d: Daemon, argv: string[]): Run => {
  const r = spawnSync('nsenter', ['-t', String(d.master), '-m', '-u', '-n', '-p', '--', ...argv], {
    encoding: 'utf8', env: { PATH, LANG: 'C' }, timeout: 70_000, cwd: '/',
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}` };
};

/** Ends a daemon we started if it is still there: SIGKILL to PID 1 of its namespace ends them all. */
const killDaemon = async (d: Daemon | undefined): Promise<void> => {
  if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return;
  try {
    process.kill(d.master, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await Promise.race([d.exited, sleep(10_000)]);
};

const daemonCases: { name: string; node: string; vip: string; haCf: string[]; acquireMs: number; note: string }[] = [
  {
    name: 'auto_failback off, peer never seen',
    node: 'pgbnode',
    vip: '192.0.2.61',
    // With a single `node` line and auto_failback on/off heartbeat 3.0.6 never takes its groups:
    // it sends t=starting and waits for a t=resources reply no peer will send (hb_resource.c,
    // HB_R_STARTING forever; shutdown then hangs in "Shutdown delayed until current resource
    // activity finishes"). So a second node is declared that never appears: after initdead it is
    // declared dead, and with no STONITH configured we take over (mach_down + req_our_resources).
    haCf: ['keepalive 100ms', 'deadtime 1', 'warntime 500ms', 'initdead 2', `bcast ${NIC}`, 'auto_failback off', 'node pgbnode pgbpeer'],
    acquireMs: 20_000,
    note: 'Resources being acquired from pgbpeer',
  },
  {
    name: 'auto_failback legacy, single node',
    node: 'pgbsolo',
    vip: '192.0.2.62',
    // legacy (nice_failback off) requests its own groups at comm-up; alone, it takes them at once.
    haCf: ['keepalive 100ms', 'deadtime 1', 'warntime 500ms', 'initdead 2', `bcast ${NIC}`, 'auto_failback legacy', 'node pgbsolo'],
    acquireMs: 15_000,
    note: 'Initial resource acquisition complete (req_our_resources)',
  },
];

for (const c of daemonCases) {
  describe(`heartbeat 3.0.6 daemon, ${c.name}`, () => {
    let daemon: Daemon | undefined;
    const cidr = `${c.vip}/24`;

    before(async () => {
      vips.add(c.vip);
      daemon = await startHeartbeat(host0, c.node, c.haCf, `${c.node} pgbeat-IPaddr::${cidr}/${NIC}`);
    });
    after(async () => {
      await killDaemon(daemon);
    });

    it('acquires the haresources group: our IPaddr adds the address', async () => {
      const d = daemon!;
      const up = await waitFor(() => hasAddress(host0, cidr), c.acquireMs, 200);
      assert.ok(up, `address never appeared; heartbeat log:\n${d.log()}`);
      assert.ok(await waitFor(() => d.log().includes(c.note), 5_000), d.log());
      assert.match(d.log(), new RegExp(`Running /etc/ha\\.d/+resource\\.d/pgbeat-IPaddr ${c.vip.replace(/\./g, '\\.')}/24/eth0 start`));
      assert.doesNotMatch(d.log(), /Giving up resources due to failure|ERROR: Return code/);
    });

    it('heartbeat -s reports it running on its node', () => {
      const s = inDaemon(daemon!, [HEARTBEAT, '-s']);
      assert.equal(s.status, 0, s.out);
      assert.match(s.out, new RegExp(`heartbeat OK \\[pid \\d+ et al\\] is running on ${c.node} \\[${c.node}\\]`));
    });

    it('SIGTERM (what heartbeat -k sends) gives the group up: the address goes and the daemon exits', async () => {
      const d = daemon!;
      // `heartbeat -k` reads the pid file and sends SIGTERM. Run through nsenter it does not
      // survive the shutdown it asks for (observed: heartbeat's final shutdown takes it down with
      // SIGTERM, and the namespace's end would SIGKILL it anyway), so the signal is sent from here.
      process.kill(d.master, 'SIGTERM');
      const code = await Promise.race([d.exited, sleep(60_000).then(() => 'timeout' as const)]);
      assert.notEqual(code, 'timeout', `heartbeat did not exit:\n${d.log()}`);
      assert.ok(!hasAddress(host0, cidr), `address still there:\n${d.log()}`);
      assert.match(d.log(), new RegExp(`Releasing resource group: ${c.node} pgbeat-IPaddr::${c.vip.replace(/\./g, '\\.')}/24/eth0`));
      assert.match(d.log(), /Heartbeat shutdown complete/);
    });
  });
}
