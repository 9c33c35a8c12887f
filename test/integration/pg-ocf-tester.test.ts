// ClusterLabs' ocf-tester against the postgresql agent on a real PostgreSQL 15 instance, in both
// run modes. In promotable mode ocf-tester also drives its demote/promote pairs.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';

let pg: PgInstance;
let shared: string;
let agent: string;

before(async () => {
  assert.ok(existsSync(agentPath('postgresql')), 'dist/agents/postgresql is missing: run npm run build first');
  // ocf-tester runs meta-data as nobody: the agent must sit in a traversable directory.
  shared = mkdtempSync(join(tmpdir(), 'pgbeat-ocft-'));
  chmodSync(shared, 0o755);
  agent = join(shared, 'postgresql');
  copyFileSync(agentPath('postgresql'), agent);
  chmodSync(agent, 0o755);
  pg = await createPrimary({ name: 'ocft' });
  await pg.stop('fast');
});

after(async () => {
  await cleanupAllPg();
  rmSync(shared, { recursive: true, force: true });
});

const ocfTester = (extra: string[]) => {
  const opts = [
    `pgdata=${pg.dataDir}`, `pghost=${pg.socketDir}`, `pgport=${pg.port}`, 'repuser=postgres',
    `primary_host=${pg.socketDir}`, `primary_port=${pg.port}`, `report_dir=${pg.baseDir}/reports`, ...extra,
  ].flatMap((o) => ['-o', o]);
  return spawnSync('timeout', ['300', 'ocf-tester', '-n', 'pgtest', ...opts, agent], { encoding: 'utf8', timeout: 320_000 });
};

it('ocf-tester passes in primitive mode (started = the primary runs here)', () => {
  const r = ocfTester(['mode=primitive', 'stop_as=stopped']);
  const out = r.stdout + r.stderr;
  assert.match(out, /Beginning tests for/, 'ocf-tester really ran (a stray option would skip everything)');
  assert.equal(r.status, 0, out);
  assert.match(out, /passed all tests/);
  assert.doesNotMatch(out, /does not support the (validate-all|notify)/);
});

it('ocf-tester passes in promotable mode, promote/demote pairs included', () => {
  const r = ocfTester(['mode=promotable']);
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  assert.match(out, /passed all tests/);
  assert.doesNotMatch(out, /partially supports promotable/);
});

it('ocf-tester leaves the instance stopped', async () => {
  const st = spawnSync('runuser', ['-u', 'postgres', '--', join('/usr/lib/postgresql/15/bin', 'pg_ctl'), '-D', pg.dataDir, 'status'], { encoding: 'utf8' });
  assert.equal(st.status, 3, st.stdout);
});
