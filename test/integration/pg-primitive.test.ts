// The postgresql agent as a primitive ("started = the primary runs here"), as heartbeat's haresources
// runs it: a clean handover where stop leaves the old primary running as a standby that follows
// whichever node takes over, and a start elsewhere that promotes only after asking its peers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');

describe('postgresql agent, primitive mode (heartbeat v1 style handover)', () => {
  let a: PgInstance;
  let b: PgInstance;
  let archive: string;
  let stateDir: string;

  const params = (self: PgInstance, other: PgInstance): Record<string, string> => ({
    pgdata: self.dataDir,
    pghost: self.socketDir,
    pgport: String(self.port),
    node_name: self.name,
    primary_host: other.socketDir,
    primary_port: String(other.port),
    peers: `${other.name}=${other.socketDir}:${other.port}`,
    repuser: 'postgres',
    mode: 'primitive',
    archive_dir: archive,
  });
  const call = (self: PgInstance, other: PgInstance, action: string, extra: Record<string, string> = {}) =>
    callAgent(AGENT, action, { ...params(self, other), ...extra }, { extraEnv: { HA_RSCTMP: stateDir }, timeoutMs: 120_000 });

  before(async () => {
    assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
    archive = mkdtempSync(join(tmpdir(), 'pgbeat-archive-'));
    chownSync(archive, Number(execId('postgres', '-u')), Number(execId('postgres', '-g')));
    stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
    a = await createPrimary({ name: 'a' });
    b = await createStandby(a, { name: 'b' });
    await waitFor('b streaming from a', async () => (await a.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === '1');
  });

  after(async () => {
    await cleanupAllPg();
    rmSync(archive, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('monitor: 0 on the node running the primary, 7 on the standby; v1 status prints running/stopped', () => {
    assert.equal(call(a, b, 'monitor', { CRM_meta_interval: '10000' }).code, 0);
    assert.equal(call(b, a, 'monitor', { CRM_meta_interval: '10000' }).code, 7);
    const v1 = (self: PgInstance, other: PgInstance) =>
      callAgent(AGENT, 'status', { pghost: self.socketDir, pgport: String(self.port), repuser: 'postgres' }, {
        args: [self.dataDir, other.socketDir], extraEnv: { HA_RSCTMP: stateDir },
      });
    assert.equal(v1(a, b).stdout.trim(), 'running');
    assert.equal(v1(b, a).stdout.trim(), 'stopped');
  });

  it('start on the primary node is idempotent', () => {
    const r = call(a, b, 'start');
    assert.equal(r.code, 0, r.stderr);
  });

  it('stop hands over: the old primary shuts down cleanly and keeps running as a standby', async () => {
    await a.sql('CREATE TABLE handover (id int primary key, note text)');
    await a.sql("INSERT INTO handover SELECT g, 'before' FROM generate_series(1, 100) g");
    const r = call(a, b, 'stop');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
    assert.equal(call(a, b, 'monitor', { CRM_meta_interval: '10000' }).code, 7);
    // The standby settings the agent wrote, archive included (archive_mode waits for a primary).
    const auto = readFileSync(join(a.dataDir, 'postgresql.auto.conf'), 'utf8');
    assert.match(auto, new RegExp(`primary_conninfo = '.*port=${b.port}.*application_name=a`));
    assert.match(auto, /recovery_target_timeline = 'latest'/);
    assert.match(auto, /restore_command = 'cp /);
    assert.match(auto, /archive_mode = 'on'/);
    assert.ok(existsSync(join(a.dataDir, 'standby.signal')));
    // stop again: still 0, still a standby.
    assert.equal(call(a, b, 'stop').code, 0);
    assert.equal(await a.sql('SELECT pg_is_in_recovery()'), 't');
  });

  it('start on the other node promotes it after the peer check; the old primary follows the new timeline', async () => {
    const r = call(b, a, 'start');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /promotion check: .*b/);
    assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 'f');
    assert.equal(await b.sql('SELECT count(*) FROM handover'), '100');
    assert.equal(call(b, a, 'monitor', { CRM_meta_interval: '10000' }).code, 0);
    await b.sql("INSERT INTO handover SELECT g, 'after' FROM generate_series(101, 150) g");
    await waitFor('a streams from b on the new timeline', async () =>
      (await b.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'a' AND state = 'streaming'")) === '1', 60_000);
    await waitFor('a replays the rows written on b', async () => (await a.sql('SELECT count(*) FROM handover')) === '150', 30_000);
  });

  it('start on the old node is refused while its peer runs the primary, naming the peer and timelines', () => {
    const r = call(a, b, 'start');
    assert.equal(r.code, 1);
    assert.match(r.reason ?? '', /Refusing to .* a: .*peer b is (already )?a running primary on timeline 2/);
  });
});

function execId(user: string, flag: '-u' | '-g'): string {
  return execFileSync('id', [flag, user], { encoding: 'utf8' }).trim();
}
