// test: exclusive (installs into the system's OCF and ha.d directories)
// scripts/install.sh: where the agents land, what the manifest records, what it refuses to touch,
// and that uninstall removes exactly its own files. Needs root for the real-path part.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/agent.ts';
import {
  builtAgents, HA_RESOURCE_DIR, installIntoSystem, MANAGER_PATH, MANIFEST, OCF_PROVIDER_DIR, reclaimStaleTestInstall, runInstall,
  TEST_OWNER,
} from '../helpers/install.ts';

const DIST = join(ROOT, 'dist');
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const mode = (path: string): string => (statSync(path).mode & 0o7777).toString(8);
const firstLine = (path: string): string => readFileSync(path, 'utf8').split('\n', 1)[0]!;
/** sha256 of a file without its interpreter line (install.sh writes its own). */
const bodySha = (path: string): string => {
  const text = readFileSync(path);
  return createHash('sha256').update(text.subarray(text.indexOf(10) + 1)).digest('hex');
};

/** Every path under `dir`, relative, sorted; directories end with `/`. */
const tree = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.push(`${relative(dir, p)}/`);
        walk(p);
      } else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
};

/** The manifest's file lines as path -> sha256. */
const manifestFiles = (root: string): Map<string, string> => {
  const files = new Map<string, string>();
  for (const line of readFileSync(join(root, MANIFEST), 'utf8').split('\n')) {
    const [kind, hash, path] = line.split('\t');
    if (kind === 'file') files.set(path!, hash!);
  }
  return files;
};

const PLATFORM = `${process.platform}-${process.arch}`;
/** The manager's real place: the bundle looks for serialport's binding in ../prebuilds from there. */
const MANAGER_BIN = '/usr/local/lib/pgbeat/bin/pgbeat';
const BINDING = `/usr/local/lib/pgbeat/prebuilds/${PLATFORM}/@serialport+bindings-cpp.glibc.node`;
const ADMIN_TOOLS = ['/usr/local/bin/cl_status', '/usr/local/bin/hb_standby', '/usr/local/bin/hb_takeover'];

/** Paths (absolute, as on a real system) an install of `agents` must create (heartbeat's admin tools where heartbeat is absent). */
const expectedFiles = (agents: string[], adminTools = true): string[] =>
  [
    ...agents.map((a) => `${OCF_PROVIDER_DIR}/${a}`),
    ...agents.map((a) => `${HA_RESOURCE_DIR}/pgbeat-${a}`),
    '/usr/local/bin/pgbeat', MANAGER_BIN, BINDING,
    ...(adminTools ? ADMIN_TOOLS : []),
  ].sort();
/** The mode a file is installed with: 644 for the native binding, 755 for everything else. */
const wantMode = (path: string): string => (path.endsWith('.node') ? '644' : '755');

/**
 * Runs `manager start` with one serial medium on a socat pty pair for a few keepalives and counts the
 * bytes that come out of the other end (the manager sends a heartbeat every keepalive).
 */
const serialFramesFrom = async (manager: string): Promise<{ bytes: number; log: string }> => {
  const d = fakeRoot();
  const [a, b] = [join(d, 'ttyA'), join(d, 'ttyB')];
  const socat = spawn('socat', [`PTY,link=${a},raw,echo=0`, `PTY,link=${b},raw,echo=0`], { stdio: 'ignore' });
  let daemon: ChildProcess | undefined;
  try {
    for (let i = 0; i < 50 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 50));
    const conf = join(d, 'ha.d');
    mkdirSync(conf);
    writeFileSync(join(conf, 'ha.cf'), `keepalive 100ms\ndeadtime 500ms\ninitdead 2\nbaud 19200\nserial ${a}\nnode alpha beta\nauto_failback off\n`);
    writeFileSync(join(conf, 'haresources'), '');
    writeFileSync(join(conf, 'authkeys'), 'auth 1\n1 sha256 test-secret\n', { mode: 0o600 });
    writeFileSync(join(conf, 'nodeinfo'), 'alpha\n');
    const received = { bytes: 0 };
    const reader = createReadStream(b);
    reader.on('data', (c) => { received.bytes += c.length; });
    reader.on('error', () => undefined);
    let log = '';
    daemon = spawn(process.execPath, [manager, 'start', '--config-dir', conf, '--socket', join(d, 'sock'), '--state-dir', join(d, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout?.on('data', (c: Buffer) => { log += c.toString(); });
    daemon.stderr?.on('data', (c: Buffer) => { log += c.toString(); });
    for (let i = 0; i < 40 && received.bytes === 0; i++) await new Promise((r) => setTimeout(r, 100));
    reader.destroy();
    return { bytes: received.bytes, log };
  } finally {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
    socat.kill('SIGTERM');
  }
};

const temps: string[] = [];
const fakeRoot = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pgbeat-install-'));
  temps.push(d);
  return d;
};
/** A copy of dist/ that a test may change (a "new build"). */
const distCopy = (): string => {
  const d = fakeRoot();
  cpSync(DIST, d, { recursive: true });
  return d;
};

after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('install.sh into a fake root', () => {
  let agents: string[];
  before(() => {
    agents = builtAgents();
  });

  it('puts every agent in the OCF provider dir and as pgbeat-<agent> in resource.d, mode 755, with a manifest', () => {
    const root = fakeRoot();
    const r = runInstall(['--prefix-root', root]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const files = manifestFiles(root);
    assert.deepEqual([...files.keys()].sort(), expectedFiles(agents));
    for (const [path, hash] of files) {
      const disk = join(root, path);
      assert.equal(mode(disk), wantMode(path), `${path} mode`);
      assert.equal(sha256(disk), hash, `${path} matches its manifest hash`);
    }
    for (const a of agents) {
      // node is on Pacemaker's PATH here (/usr/bin/node), so the bundle is copied under `env node`
      // (whatever the build's own interpreter line: a dev build names the clone's pinned runtime).
      assert.equal(bodySha(join(root, OCF_PROVIDER_DIR, a)), bodySha(join(DIST, 'agents', a)));
      assert.equal(bodySha(join(root, HA_RESOURCE_DIR, `pgbeat-${a}`)), bodySha(join(DIST, 'agents', a)));
      assert.equal(firstLine(join(root, OCF_PROVIDER_DIR, a)), '#!/usr/bin/env node');
      assert.equal(firstLine(join(root, HA_RESOURCE_DIR, `pgbeat-${a}`)), '#!/usr/bin/env node');
    }
    assert.equal(bodySha(join(root, MANAGER_BIN)), bodySha(join(DIST, 'bin', 'pgbeat')));
    assert.equal(sha256(join(root, BINDING)), sha256(join(DIST, 'prebuilds', PLATFORM, '@serialport+bindings-cpp.glibc.node')));
    assert.match(readFileSync(join(root, 'usr/local/bin/pgbeat'), 'utf8'), /^#!\/bin\/sh\n(#.*\n)*exec \/usr\/local\/lib\/pgbeat\/bin\/pgbeat "\$@"\n$/);
    for (const t of ADMIN_TOOLS) assert.equal(readFileSync(join(root, t), 'utf8'), readFileSync(join(ROOT, 'scripts', 'admin', t.split('/').pop()!), 'utf8'));
    // Every directory it made is traversable by other users (ocf-tester runs meta-data as nobody).
    for (const p of tree(root).filter((p) => p.endsWith('/'))) assert.equal(mode(join(root, p)), '755', p);
    // It never installs heartbeat's own names.
    assert.ok(!existsSync(join(root, HA_RESOURCE_DIR, 'IPaddr')));
  });

  it('re-installing the same build succeeds and changes nothing', () => {
    const root = fakeRoot();
    assert.equal(runInstall(['--prefix-root', root]).code, 0);
    const manifest = readFileSync(join(root, MANIFEST), 'utf8');
    const before = tree(root);
    const r = runInstall(['--prefix-root', root]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(root, MANIFEST), 'utf8'), manifest);
    assert.deepEqual(tree(root), before);
  });

  it('re-installing a newer build updates the files it owns and drops agents the build no longer has', () => {
    const root = fakeRoot();
    const first = distCopy();
    writeFileSync(join(first, 'agents', 'Retired'), '#!/usr/bin/env node\nvar __pgbeatBuild="0";process.exit(0);\n', { mode: 0o755 });
    assert.equal(runInstall(['--prefix-root', root, '--dist', first]).code, 0);
    assert.ok(existsSync(join(root, OCF_PROVIDER_DIR, 'Retired')));

    const second = distCopy();
    writeFileSync(join(second, 'agents', 'IPaddr'), `${readFileSync(join(second, 'agents', 'IPaddr'), 'utf8')}\n// rebuilt\n`);
    const r = runInstall(['--prefix-root', root, '--dist', second]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const p of [join(OCF_PROVIDER_DIR, 'IPaddr'), join(HA_RESOURCE_DIR, 'pgbeat-IPaddr')]) {
      assert.equal(bodySha(join(root, p)), bodySha(join(second, 'agents', 'IPaddr')), p);
      assert.equal(manifestFiles(root).get(p), sha256(join(root, p)));
    }
    assert.ok(!existsSync(join(root, OCF_PROVIDER_DIR, 'Retired')));
    assert.ok(!existsSync(join(root, HA_RESOURCE_DIR, 'pgbeat-Retired')));
    assert.ok(!manifestFiles(root).has(`${OCF_PROVIDER_DIR}/Retired`));
  });

  it('refuses to overwrite a file it did not install, and writes nothing at all', () => {
    const root = fakeRoot();
    const foreign = join(root, HA_RESOURCE_DIR, 'pgbeat-IPaddr');
    mkdirSync(join(root, HA_RESOURCE_DIR), { recursive: true });
    writeFileSync(foreign, '#!/bin/sh\necho mine\n', { mode: 0o700 });
    const before = tree(root);
    const r = runInstall(['--prefix-root', root]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /refusing to install, nothing was written/);
    assert.match(r.stderr, new RegExp(`${foreign.replace(/[.]/g, '\\.')} exists and was not installed by pgbeat`));
    assert.equal(readFileSync(foreign, 'utf8'), '#!/bin/sh\necho mine\n');
    assert.equal(mode(foreign), '700');
    assert.deepEqual(tree(root), before, 'no directory, agent or manifest was created');
  });

  it('refuses to overwrite a file it installed that someone edited since', () => {
    const root = fakeRoot();
    assert.equal(runInstall(['--prefix-root', root]).code, 0);
    const edited = join(root, OCF_PROVIDER_DIR, 'IPaddr');
    writeFileSync(edited, '#!/bin/sh\n# local hotfix\n');
    const r = runInstall(['--prefix-root', root]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /was changed since pgbeat installed it/);
    assert.equal(readFileSync(edited, 'utf8'), '#!/bin/sh\n# local hotfix\n');
  });

  it('uninstall removes exactly what it installed; foreign and edited files survive, with their directories', () => {
    const root = fakeRoot();
    // A directory that existed before the install is not the installer's to remove.
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    assert.equal(runInstall(['--prefix-root', root]).code, 0);
    const foreign = join(root, OCF_PROVIDER_DIR, 'SomeoneElses');
    writeFileSync(foreign, 'not ours\n');
    const edited = join(root, HA_RESOURCE_DIR, 'pgbeat-IPaddr');
    writeFileSync(edited, '#!/bin/sh\n# edited\n');

    const r = runInstall(['--prefix-root', root, '--uninstall']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /kept .*pgbeat-IPaddr: changed since pgbeat installed it/);
    assert.deepEqual(tree(root), [
      'etc/', 'etc/ha.d/', 'etc/ha.d/resource.d/', 'etc/ha.d/resource.d/pgbeat-IPaddr',
      'usr/', 'usr/lib/', 'usr/lib/ocf/', 'usr/lib/ocf/resource.d/', 'usr/lib/ocf/resource.d/pgbeat/',
      'usr/lib/ocf/resource.d/pgbeat/SomeoneElses',
      'usr/local/', 'usr/local/bin/',
    ]);
    assert.equal(readFileSync(foreign, 'utf8'), 'not ours\n');

    // A second uninstall has nothing left to do.
    const again = runInstall(['--prefix-root', root, '--uninstall']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to uninstall/);
  });

  it('an uninstall of an untouched install leaves the fake root empty', () => {
    const root = fakeRoot();
    assert.equal(runInstall(['--prefix-root', root]).code, 0);
    assert.equal(runInstall(['--prefix-root', root, '--uninstall']).code, 0);
    assert.deepEqual(tree(root), []);
  });

  it('installs heartbeat\'s admin tools only where heartbeat has none, and never over a file it did not install', () => {
    const root = fakeRoot();
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/bin/cl_status'), '#!/bin/sh\necho heartbeat\n', { mode: 0o755 });
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/local/bin/hb_takeover'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const r = runInstall(['--prefix-root', root]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /not installing \/usr\/local\/bin\/cl_status: heartbeat's own is installed \(\/usr\/bin\/cl_status\)/);
    assert.match(r.stdout, /not installing \/usr\/local\/bin\/hb_takeover: .* exists and is not pgbeat's/);
    const files = manifestFiles(root);
    assert.ok(files.has('/usr/local/bin/hb_standby'));
    assert.ok(!files.has('/usr/local/bin/cl_status') && !existsSync(join(root, 'usr/local/bin/cl_status')));
    assert.ok(!files.has('/usr/local/bin/hb_takeover'));
    assert.equal(readFileSync(join(root, 'usr/local/bin/hb_takeover'), 'utf8'), '#!/bin/sh\necho mine\n');
    assert.equal(readFileSync(join(root, 'usr/bin/cl_status'), 'utf8'), '#!/bin/sh\necho heartbeat\n');
  });

  it('the installed manager opens a serial medium with the installed native binding (frames arrive on the other end of a pty pair)', async () => {
    const root = fakeRoot();
    assert.equal(runInstall(['--prefix-root', root]).code, 0);
    const tty = await serialFramesFrom(join(root, MANAGER_BIN));
    assert.ok(tty.bytes > 0, `no frame from the installed manager's serial medium:\n${tty.log}`);
    // The same bundle without ../prebuilds cannot load serialport's binding: nothing is sent.
    const bare = fakeRoot();
    mkdirSync(join(bare, 'bin'));
    cpSync(join(root, MANAGER_BIN), join(bare, 'bin', 'pgbeat'));
    const without = await serialFramesFrom(join(bare, 'bin', 'pgbeat'));
    assert.equal(without.bytes, 0, without.log);
  });

  it('writes the absolute node path into the shebang when Pacemaker\'s PATH would not find node', () => {
    const root = fakeRoot();
    const node = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
    // PGBEAT_MANAGER_PATH stands in for Pacemaker's PATH: here it holds no node.
    const r = runInstall(['--prefix-root', root], { PGBEAT_MANAGER_PATH: '/nonexistent' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`agents use #!${node}`));
    const agent = join(root, OCF_PROVIDER_DIR, 'IPaddr');
    assert.equal(firstLine(agent), `#!${node}`);
    assert.equal(manifestFiles(root).get(`${OCF_PROVIDER_DIR}/IPaddr`), sha256(agent));
    // The rewritten agent runs with an empty PATH.
    const md = spawnSync(agent, ['meta-data'], { encoding: 'utf8', env: {}, timeout: 30_000 });
    assert.equal(md.status, 0, md.stderr);
    assert.match(md.stdout, /<resource-agent name="IPaddr"/);
  });

  it('refuses an interpreter that is not node >= 20.19, without writing anything', () => {
    const root = fakeRoot();
    const r = runInstall(['--prefix-root', root, '--node', '/bin/true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/bin\/true does not look like a node interpreter/);
    assert.deepEqual(tree(root), []);
  });

  it('rejects unknown options without writing anything', () => {
    const root = fakeRoot();
    const r = runInstall(['--prefix-root', root, '-L']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown argument: -L/);
    assert.deepEqual(tree(root), []);
  });
});

describe('install.sh into the real system', () => {
  let install: ReturnType<typeof installIntoSystem>;
  let agents: string[];
  before(() => {
    agents = builtAgents();
    install = installIntoSystem();
  });
  after(() => {
    install?.restore();
  });

  it('installs every agent where Pacemaker and heartbeat look, as root-owned files (755, the binding 644)', () => {
    const files = manifestFiles('/');
    const heartbeatTools = existsSync('/usr/bin/cl_status');
    for (const path of expectedFiles(agents, !heartbeatTools)) {
      assert.equal(files.get(path), sha256(path), `${path} is in the manifest with its hash`);
      assert.equal(mode(path), wantMode(path));
      assert.equal(statSync(path).uid, 0);
    }
  });

  it('the installed agents name the runtime the tests run on (the pinned one, via --node), or one Pacemaker\'s PATH finds', () => {
    const line = firstLine(`${OCF_PROVIDER_DIR}/IPaddr`);
    if (install.node) {
      assert.equal(line, `#!${install.node}`);
    } else {
      const r = spawnSync('env', ['-i', `PATH=${MANAGER_PATH}`, '/bin/sh', '-c', 'command -v node'], { encoding: 'utf8' });
      assert.equal(r.status, 0, 'node must be on /usr/sbin:/usr/bin:/sbin:/bin, or install.sh rewrites the shebang');
      assert.equal(line, '#!/usr/bin/env node');
    }
  });

  for (const where of ['ocf', 'v1'] as const) {
    it(`meta-data works as nobody (${where} copy), the way ocf-tester checks it`, () => {
      const agent = where === 'ocf' ? `${OCF_PROVIDER_DIR}/IPaddr` : `${HA_RESOURCE_DIR}/pgbeat-IPaddr`;
      const r = spawnSync('su', ['nobody', '-s', '/bin/sh', '-c', `${agent} meta-data`], {
        encoding: 'utf8', cwd: '/', timeout: 30_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^<\?xml version="1.0"\?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
      assert.match(r.stdout, /<resource-agent name="IPaddr"/);
    });
  }

  it('re-installing over its own install succeeds', () => {
    const manifest = readFileSync(MANIFEST, 'utf8');
    const r = runInstall(install.args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(MANIFEST, 'utf8'), manifest);
  });

  it('uninstall removes its files but not a foreign file in its directory', (t) => {
    if (install.wasInstalled) {
      t.skip('pgbeat was installed before this test; it is left installed');
      return;
    }
    // A hidden name, so Pacemaker's agent listing never shows it even for an instant.
    const foreign = `${OCF_PROVIDER_DIR}/.pgbeat-test-foreign`;
    writeFileSync(foreign, 'not pgbeat\n');
    chmodSync(foreign, 0o644);
    try {
      const r = runInstall(['--uninstall']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const path of expectedFiles(agents, !existsSync('/usr/bin/cl_status'))) assert.ok(!existsSync(path), `${path} removed`);
      assert.ok(!existsSync(MANIFEST));
      assert.equal(readFileSync(foreign, 'utf8'), 'not pgbeat\n');
      assert.match(r.stdout, new RegExp(`kept ${OCF_PROVIDER_DIR}/: not empty`));
      // Heartbeat's own scripts are untouched.
      assert.ok(existsSync(`${HA_RESOURCE_DIR}/IPaddr`));
    } finally {
      rmSync(foreign, { force: true });
      // The uninstall forgot the directory it could not remove; the test made it non-empty, so it
      // removes it (only if empty, and only when this test file did the install).
      if (existsSync(OCF_PROVIDER_DIR) && readdirSync(OCF_PROVIDER_DIR).length === 0) rmdirSync(OCF_PROVIDER_DIR);
    }
  });
});

describe('an install a killed test run left behind', () => {
  const readOwner = (): string | undefined => (existsSync(TEST_OWNER) ? readFileSync(TEST_OWNER, 'utf8').trim() : undefined);

  it('is taken down only when its owner file names a process that is gone; an install with no owner file is never touched', (t) => {
    if (existsSync(MANIFEST)) {
      t.skip('pgbeat is installed here by someone else; this test does not touch it');
      return;
    }
    const install = installIntoSystem();
    try {
      assert.match(readOwner() ?? '', new RegExp(`^${process.pid} \\d+$`), 'the install names this process as its owner');
      assert.equal(reclaimStaleTestInstall(), undefined, 'the owner runs: nothing is taken down');
      assert.ok(existsSync(MANIFEST));
      // The same pid with another start time is another process (the pid was reused): stale.
      writeFileSync(TEST_OWNER, `${process.pid} 1\n`);
      assert.match(reclaimStaleTestInstall() ?? '', /took down the install a killed test run left/);
      assert.ok(!existsSync(MANIFEST), 'the stale install was uninstalled');
      assert.ok(!existsSync(`${OCF_PROVIDER_DIR}/IPaddr`));
      assert.equal(readOwner(), undefined, 'and its owner file removed');
      // An install nobody recorded (an operator's, the lab's) stays, whatever owner file lies around.
      const r = runInstall(install.args);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(reclaimStaleTestInstall(), undefined);
      assert.ok(existsSync(MANIFEST), 'an install without an owner file is kept');
    } finally {
      rmSync(TEST_OWNER, { force: true });
      if (existsSync(MANIFEST)) runInstall(['--uninstall']);
    }
  });
});
