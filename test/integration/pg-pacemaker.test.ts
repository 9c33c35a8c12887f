// test: exclusive (installs into the system's OCF directory)
// Pacemaker's executor without a cluster runs the INSTALLED postgresql agent
// (crm_resource --force-start|--force-check|--force-stop); crm_resource exits with the agent's code.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';
import { installIntoSystem, type InstallRun } from '../helpers/install.ts';

let pg: PgInstance;
let restore: () => InstallRun | undefined;

before(async () => {
  ({ restore } = installIntoSystem());
  pg = await createPrimary({ name: 'crm' });
  await pg.stop('fast');
});

after(async () => {
  await cleanupAllPg();
  restore();
});

const crm = (op: string, extra: Record<string, string> = {}) => {
  const params = { pgdata: pg.dataDir, pghost: pg.socketDir, pgport: String(pg.port), mode: 'primitive', stop_as: 'stopped', report_dir: `${pg.baseDir}/reports`, ...extra };
  const r = spawnSync('timeout', ['120', 'crm_resource', `--${op}`, '--class', 'ocf', '--provider', 'pgbeat', '--agent', 'postgresql',
    ...Object.entries(params).flatMap(([k, v]) => ['--option', `${k}=${v}`])], { encoding: 'utf8', timeout: 130_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

it('crm_resource shows the installed agent\'s meta-data', () => {
  const r = spawnSync('crm_resource', ['--show-metadata', 'ocf:pgbeat:postgresql'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /<resource-agent name="postgresql"/);
});

it('force-check 7 when stopped, force-start 0, force-check 0, force-stop 0, force-check 7 again', async () => {
  assert.equal(crm('force-check').code, 7);
  const start = crm('force-start');
  assert.equal(start.code, 0, start.out);
  assert.equal(await pg.sql('SELECT pg_is_in_recovery()'), 'f');
  assert.equal(crm('force-check').code, 0);
  const stop = crm('force-stop');
  assert.equal(stop.code, 0, stop.out);
  assert.equal(crm('force-check').code, 7);
  assert.equal(crm('force-stop').code, 0, 'stopping a stopped resource succeeds');
});

it('force-start with invalid parameters gives the agent\'s code: 6 for a bad value, 5 for missing binaries', () => {
  assert.equal(crm('force-start', { sync_mode: 'sometimes' }).code, 6);
  assert.equal(crm('force-start', { bindir: '/nonexistent' }).code, 5);
});
