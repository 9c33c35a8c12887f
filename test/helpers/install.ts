// Runs scripts/install.sh, and installs the build into the real system for a test file's lifetime.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './agent.ts';
import { processStartTime, sameProcess } from './bed/ledger.ts';

/** The installer under test. */
export const INSTALL_SH = join(ROOT, 'scripts', 'install.sh');
/** Where the installer keeps its manifest (relative to the root it installs into). */
export const MANIFEST = '/var/lib/pgbeat/install-manifest';
/** The OCF provider directory Pacemaker and ocf-tester look in. */
export const OCF_PROVIDER_DIR = '/usr/lib/ocf/resource.d/pgbeat';
/** heartbeat v1 resource scripts. */
export const HA_RESOURCE_DIR = '/etc/ha.d/resource.d';
/** The PATH Pacemaker gives agents. */
export const MANAGER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** What one installer run produced. */
export interface InstallRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bash scripts/install.sh ...args` (bounded), with extra environment if given. */
export const runInstall = (args: string[], env: Record<string, string> = {}): InstallRun => {
  const r = spawnSync('bash', [INSTALL_SH, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

/** Names of the built agents (dist/agents/*); throws when the build is missing. */
export const builtAgents = (): string[] => {
  const dir = join(ROOT, 'dist', 'agents');
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  if (!names.includes('IPaddr') || !existsSync(join(ROOT, 'dist', 'bin', 'pgbeat'))) {
    throw new Error('dist/ is missing or incomplete: run `npm run build` first');
  }
  return names;
};

/**
 * The interpreter a build names when it is an absolute node (a dev build on the pinned runtime,
 * scripts/build.mjs), else undefined (`#!/usr/bin/env node`).
 */
export const buildInterpreter = (): string | undefined => {
  const line = readFileSync(join(ROOT, 'dist', 'agents', 'IPaddr'), 'utf8').split('\n', 1)[0]!;
  return line.startsWith('#!/') && !line.startsWith('#!/usr/bin/env ') ? line.slice(2) : undefined;
};

/**
 * Who made the system install, when a test run made it: `<pid> <start time in clock ticks>` of the
 * process that installed. A run killed before its `after` hook (a CI job cancelled, a machine
 * restarted under it) leaves its install behind; the next run finds this file naming a process that
 * is gone, and may take the install down. An install with no owner file (an operator's, the lab's) is
 * never touched.
 */
export const TEST_OWNER = '/tmp/pgbeat-test-install.owner';

/**
 * Takes down a system install a killed test run left behind: the manifest is there and the owner file
 * names a process that no longer runs. Returns what it did, or undefined when there was nothing to do.
 */
export const reclaimStaleTestInstall = (): string | undefined => {
  if (!existsSync(MANIFEST) || !existsSync(TEST_OWNER)) return undefined;
  const owner = readFileSync(TEST_OWNER, 'utf8').trim();
  const [pidText = '', startTime = ''] = owner.split(' ');
  const pid = Number(pidText);
  if (Number.isInteger(pid) && pid > 0 && sameProcess(pid, startTime)) return undefined;
  const r = runInstall(['--uninstall']);
  if (r.code !== 0) throw new Error(`uninstalling the install a killed test run left (owner ${owner}) failed (${r.code}):\n${r.stdout}${r.stderr}`);
  rmSync(TEST_OWNER, { force: true });
  return `took down the install a killed test run left (process ${pid} is gone)`;
};

/**
 * Installs the current build into the real paths, on the runtime the build names (so the tests that
 * use installed agents run on the pinned runtime too). Returns the function that puts things back:
 * it uninstalls, unless a pgbeat install was already there before (then it is left installed,
 * now with this build, rather than ripped out from under whoever made it). A test's install is
 * recorded as this process's (TEST_OWNER), so a run killed before restore() is cleaned by the next;
 * `keep` (the lab, which stays up after its process ends) records no owner.
 */
export const installIntoSystem = (opts: { keep?: boolean } = {}): {
  wasInstalled: boolean;
  node: string | undefined;
  args: string[];
  restore: () => InstallRun | undefined;
} => {
  builtAgents();
  const reclaimed = reclaimStaleTestInstall();
  if (reclaimed) console.error(`# ${reclaimed}`);
  const node = buildInterpreter();
  const args = node ? ['--node', node] : [];
  const wasInstalled = existsSync(MANIFEST);
  const r = runInstall(args);
  if (r.code !== 0) throw new Error(`install.sh failed (${r.code}):\n${r.stdout}${r.stderr}`);
  const owned = !wasInstalled && !opts.keep;
  if (owned) writeFileSync(TEST_OWNER, `${process.pid} ${processStartTime(process.pid)}\n`);
  else if (!wasInstalled) rmSync(TEST_OWNER, { force: true });
  return {
    wasInstalled,
    node,
    args,
    restore: () => {
      if (wasInstalled) return undefined;
      const run = runInstall(['--uninstall']);
      if (run.code === 0) rmSync(TEST_OWNER, { force: true });
      return run;
    },
  };
};
