// Runs scripts/install.sh, and installs the build into the real system for a test file's lifetime.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './agent.ts';

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
 * Installs the current build into the real paths, on the runtime the build names (so the tests that
 * use installed agents run on the pinned runtime too). Returns the function that puts things back:
 * it uninstalls, unless a pgbeat install was already there before (then it is left installed,
 * now with this build, rather than ripped out from under whoever made it).
 */
export const installIntoSystem = (): {
  wasInstalled: boolean;
  node: string | undefined;
  args: string[];
  restore: () => InstallRun | undefined;
} => {
  builtAgents();
  const node = buildInterpreter();
  const args = node ? ['--node', node] : [];
  const wasInstalled = existsSync(MANIFEST);
  const r = runInstall(args);
  if (r.code !== 0) throw new Error(`install.sh failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return { wasInstalled, node, args, restore: () => (wasInstalled ? undefined : runInstall(['--uninstall'])) };
};
