import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSyncParams, syncFromV1Args, syncV1Instance } from '../../../lib/db-sync/params.ts';
import { OcfError } from '../../../lib/ocf/ocf-error.ts';

const ok = { source_host: '192.0.2.10', target_dir: '/var/lib/postgresql/15/main' };

test('defaults: basebackup every 5 minutes, max_age 15 minutes, no pull at start', () => {
  const p = parseSyncParams(ok);
  assert.equal(p.method, 'basebackup');
  assert.equal(p.interval, 300);
  assert.equal(p.max_age, 900);
  assert.equal(p.pull_on_start, false);
  assert.equal(p.source_port, 5432);
});

const bad: { name: string; raw: Record<string, string>; says: RegExp }[] = [
  { name: 'an unknown method', raw: { ...ok, method: 'ftp' }, says: /Invalid parameter method='ftp': unknown method, use one of basebackup, rsync/ },
  { name: 'no target_dir', raw: { source_host: 'x' }, says: /Parameter target_dir is required/ },
  { name: 'a relative target_dir', raw: { ...ok, target_dir: 'main' }, says: /target_dir='main': must be an absolute path/ },
  { name: 'rsync without a module or ssh path', raw: { ...ok, method: 'rsync' }, says: /method=rsync needs rsync_module .* or rsync_ssh_path/ },
  { name: 'rsync with a socket directory as source and no rsync_host', raw: { ...ok, source_host: '/run/postgresql', method: 'rsync', rsync_module: 'pg' }, says: /source_host='\/run\/postgresql' is a socket directory: set rsync_host/ },
  { name: 'both transports', raw: { ...ok, method: 'rsync', rsync_module: 'pg', rsync_ssh_path: '/pg' }, says: /Set one of rsync_module \('pg'\) and rsync_ssh_path/ },
  { name: 'max_age not above interval', raw: { ...ok, interval: '600', max_age: '300' }, says: /max_age=300 must be longer than interval=600/ },
];
for (const c of bad) {
  test(`parseSyncParams refuses ${c.name} (OCF_ERR_CONFIGURED)`, () => {
    assert.throws(() => parseSyncParams(c.raw), (e: unknown) => e instanceof OcfError && e.code === 6 && c.says.test(e.message));
  });
}

test('v1 arguments: source_host, target_dir, then name=value pairs; the instance is named after the target', () => {
  const raw = syncFromV1Args(['192.0.2.10', '/var/lib/postgresql/15/main', 'method=rsync', 'rsync_module=pgdata', 'stray=1']);
  assert.deepEqual(raw, { source_host: '192.0.2.10', target_dir: '/var/lib/postgresql/15/main', method: 'rsync', rsync_module: 'pgdata' });
  assert.equal(syncV1Instance(raw), 'db_sync_var_lib_postgresql_15_main');
});
