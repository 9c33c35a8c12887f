// npm run lab: the lab's entry point in plain Node (no dependencies), so that a fresh checkout needs
// nothing else. `prelab` has installed the Debian packages (scripts/setup-system.sh --lab); this
// installs the npm dependencies when they are missing (npm ci), builds dist/ when it is missing or
// older than the sources (npm run build), then runs scripts/lab/lab.ts with tsx, passing the arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
// `npm run lab up --state FILE` (without `--`) hands --state to npm (as npm_config_state), and FILE
// to us as a command word: say how to write it instead.
for (const [env, flag] of [['npm_config_state', '--state'], ['npm_config_sync_mode', '--sync-mode']]) {
  if (process.env[env] !== undefined && !args.includes(flag)) {
    console.error(`lab: npm took ${flag} for itself: write it after \`--\`, as in \`npm run lab -- up ${flag} ...\``);
    process.exit(2);
  }
}

const run = (what, argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`lab: ${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
    process.exit(1);
  }
};

/** Newest modification time under `dir` (bounded walk). */
const newest = (dir, budget = { files: 20_000 }) => {
  let t = 0;
  for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    if (--budget.files < 0) break;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p, budget) : statSync(p).mtimeMs);
  }
  return t;
};

const command = args.find((a) => !a.startsWith('-')) ?? 'up';
if (command === 'up') {
  if (!existsSync(join(ROOT, 'node_modules', 'tsx'))) run('npm ci', ['npm', 'ci', '--no-audit', '--no-fund']);
  const built = join(ROOT, 'dist', 'bin', 'pgbeat');
  const sources = Math.max(newest(join(ROOT, 'lib')), newest(join(ROOT, 'agents')), statSync(join(ROOT, 'scripts', 'build.mjs')).mtimeMs);
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    console.log('lab: building dist/ (npm run build)');
    run('npm run build', ['npm', 'run', '-s', 'build']);
  }
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'lab', 'lab.ts'), ...args], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
