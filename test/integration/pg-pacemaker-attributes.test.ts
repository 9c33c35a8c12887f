// Promotion scores and sync flags the primary's monitor publishes under Pacemaker. Without a running
// cluster crm_attribute cannot store anything, so a small recording stand-in takes its place on PATH
// (the one fake in these tests); PostgreSQL and the agent are real.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createStreamingPair, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let p: PgInstance;
let s: PgInstance;
let dir: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-crm-'));
  writeFileSync(join(dir, 'crm_attribute'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n`, { mode: 0o755 });
  [p, s] = await createStreamingPair('p', 's');
});

after(async () => {
  await cleanupAllPg();
  rmSync(dir, { recursive: true, force: true });
});

const monitor = () => callAgent(AGENT, 'monitor', {
  pgdata: p.dataDir, pghost: p.socketDir, pgport: String(p.port), node_name: 'p', mode: 'promotable', repuser: 'postgres',
  primary_host: p.socketDir, primary_port: String(p.port), peers: `s=${s.socketDir}:${s.port},q=${s.socketDir}:1`,
  CRM_meta_interval: '15000', crm_feature_set: '3.16.2', replication_slots: 'false',
}, { extraEnv: { PATH: `${dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HA_RSCTMP: dir, OCF_RESOURCE_INSTANCE: 'pgsql' } });

const calls = (): string[] => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []);

it('the primary publishes scores (1001 itself, 1000 the synchronous standby, -1000 an absent node) and sync flags', () => {
  const r = monitor();
  assert.equal(r.code, 8, r.stderr);
  const c = calls();
  assert.ok(c.includes('--lifetime reboot --node p --name master-pgsql --update 1001'), c.join('\n'));
  assert.ok(c.includes('--lifetime reboot --node s --name master-pgsql --update 1000'), c.join('\n'));
  assert.ok(c.includes('--lifetime reboot --node q --name master-pgsql --update -1000'), c.join('\n'));
  assert.ok(c.includes('--lifetime reboot --node s --name pgbeat-pgsql-sync --update 1'), c.join('\n'));
  assert.ok(c.includes('--lifetime reboot --node q --name pgbeat-pgsql-sync --update 0'), c.join('\n'));
  assert.ok(c.some((l) => /^--lifetime reboot --node s --name pgbeat-pgsql-lag-bytes --update \d+$/.test(l)), c.join('\n'));
  assert.ok(c.some((l) => /^--lifetime reboot --node s --name pgbeat-pgsql-lag-seconds --update \d+$/.test(l)), c.join('\n'));
});

it('unchanged scores and flags are not published again (each crm_attribute call costs tens of ms)', () => {
  // Lag may move between two monitors (background WAL); scores and flags must not be re-sent.
  const stable = () => calls().filter((l) => !l.includes('lag-')).length;
  const before = stable();
  assert.equal(monitor().code, 8);
  assert.equal(stable(), before);
});
