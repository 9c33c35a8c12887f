// validate-all on bad input against real data directories: the right code, one exit reason naming
// what to fix, no stack trace, nothing changed.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let good: PgInstance;
let minimal: PgInstance;
let noHints: PgInstance;
let busy: PgInstance;
let fresh: PgInstance;
let noReserve: PgInstance;
let scratch: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  scratch = mkdtempSync(join(tmpdir(), 'pgbeat-validate-'));
  good = await createPrimary({ name: 'good' });
  minimal = await createPrimary({ name: 'minimal', settings: { wal_level: 'minimal', max_wal_senders: '0' } });
  noHints = await createPrimary({ name: 'nohints', settings: { wal_log_hints: 'off' } });
  busy = await createPrimary({ name: 'busy' });
  // Never started: pg_control still says wal_log_hints=off, postgresql.conf says on (the harness sets it).
  fresh = await createPrimary({ name: 'fresh', start: false });
  noReserve = await createPrimary({ name: 'noreserve', settings: { superuser_reserved_connections: '0' }, start: false });
  await good.stop('fast');
  await minimal.stop('fast');
  await noHints.stop('fast');
});

after(async () => {
  await cleanupAllPg();
  rmSync(scratch, { recursive: true, force: true });
});

const base = (i: PgInstance) => ({
  pgdata: i.dataDir, pghost: i.socketDir, pgport: String(i.port), repuser: 'postgres',
  primary_host: i.socketDir, primary_port: String(i.port), mode: 'promotable',
});

it('a good data directory validates (0)', () => {
  const r = callAgent(AGENT, 'validate-all', base(good));
  assert.equal(r.code, 0, r.stderr);
});

it('a never-started cluster whose postgresql.conf sets wal_log_hints=on validates (0): the configured value counts', async () => {
  assert.equal((await fresh.controlData()).walLogHints, false, 'pg_control of a never-started cluster says off');
  const r = callAgent(AGENT, 'validate-all', base(fresh));
  assert.equal(r.code, 0, r.stderr);
});

const longPath = `/${'very-long-directory-name/'.repeat(12)}data`;

const table: { name: string; params: () => Record<string, string>; code: number; reason: RegExp }[] = [
  { name: 'pgdata missing and nothing to clone from', params: () => ({ ...base(good), pgdata: join(scratch, 'nope'), primary_host: '' }), code: 2, reason: /pgdata='.*nope' is missing or empty and neither primary_host nor peers is set/ },
  { name: 'pgdata is not a data directory', params: () => ({ ...base(good), pgdata: notADataDir() }), code: 2, reason: /is not a PostgreSQL data directory \(no PG_VERSION\)/ },
  { name: 'pgdata relative', params: () => ({ ...base(good), pgdata: 'data' }), code: 6, reason: /Invalid parameter pgdata='data': must be an absolute path/ },
  { name: 'bindir of another major version', params: () => ({ ...base(good), bindir: fakeBindir('16.4') }), code: 5, reason: /holds a PostgreSQL 15 cluster \(PG_VERSION\) but .* has PostgreSQL 16\.4: set bindir/ },
  { name: 'bindir without pg_ctl', params: () => ({ ...base(good), bindir: scratch }), code: 5, reason: /Cannot use bindir .*: it has no executable pg_ctl/ },
  { name: 'system_user unknown', params: () => ({ ...base(good), system_user: 'nosuchuser' }), code: 2, reason: /system_user='nosuchuser' does not exist on this node/ },
  { name: 'data directory owned by another user', params: () => ({ ...base(good), system_user: 'nobody' }), code: 2, reason: /is owned by uid \d+, not by system_user='nobody'/ },
  { name: 'wal_level minimal', params: () => base(minimal), code: 2, reason: /wal_level is minimal .*set wal_level = replica/ },
  { name: 'rewind without wal_log_hints or checksums', params: () => base(noHints), code: 2, reason: /rewind=true but neither wal_log_hints nor data checksums are on/ },
  { name: 'no replication entry for a peer', params: () => ({ ...base(good), peers: 'far=203.0.113.7' }), code: 2, reason: /Peer far could not stream from this node .*no replication entry .*203\.0\.113\.7/ },
  { name: 'port in use by another server', params: () => ({ ...base(good), pghost: busy.socketDir, pgport: String(busy.port) }), code: 2, reason: /Port \d+ on .* is in use by another server/ },
  { name: 'pgdata is a file', params: () => ({ ...base(good), pgdata: aFile() }), code: 2, reason: /^pgdata='.*a-file' is not a directory \(a file or device is there\)/ },
  { name: 'primary_host with a space', params: () => ({ ...base(good), primary_host: '192.0.2.1 192.0.2.2' }), code: 6, reason: /Invalid parameter primary_host='192\.0\.2\.1 192\.0\.2\.2': .*white space/ },
  { name: 'primary_host not a host name', params: () => ({ ...base(good), primary_host: 'db,db2' }), code: 6, reason: /Invalid parameter primary_host='db,db2': not a host name/ },
  { name: 'a peer host with a bad name', params: () => ({ ...base(good), peers: 'far=db_-.x' }), code: 6, reason: /Invalid parameter peers: 'far=db_-\.x': the host is not a host name/ },
  { name: 'a long value is quoted at a bounded length', params: () => ({ ...base(good), pgdata: longPath.slice(1) }), code: 6, reason: /^Invalid parameter pgdata='very-long-directory-name\/[^']{50,80}\.\.\.' \(304 characters\): must be an absolute path$/ },
  { name: 'no superuser_reserved_connections', params: () => base(noReserve), code: 2, reason: /superuser_reserved_connections is 0 .*set it to 3/ },
  { name: 'sync_mode unknown', params: () => ({ ...base(good), sync_mode: 'sometimes' }), code: 6, reason: /Invalid parameter sync_mode='sometimes': use one of off, fallback, strict/ },
  { name: 'maxlag not a number', params: () => ({ ...base(good), maxlag: '16MB' }), code: 6, reason: /Invalid parameter maxlag='16MB': not a whole number/ },
  { name: 'peers malformed', params: () => ({ ...base(good), peers: 'node2=host:99999' }), code: 6, reason: /Invalid parameter peers: 'node2=host:99999'/ },
  { name: 'promotable without primary_host', params: () => ({ ...base(good), primary_host: '' }), code: 6, reason: /primary_host or peers is required in promotable mode/ },
];

const aFile = (): string => {
  const path = join(scratch, 'a-file');
  writeFileSync(path, 'not a data directory\n');
  return path;
};

for (const row of table) {
  it(`validate-all: ${row.name} -> ${row.code}`, () => {
    const before = readdirSync(good.dataDir).sort();
    const r = callAgent(AGENT, 'validate-all', row.params());
    assert.equal(r.code, row.code, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1, r.stderr);
    assert.match(r.reason ?? '', row.reason);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    assert.deepEqual(readdirSync(good.dataDir).sort(), before, 'nothing in the data directory changed');
  });
}

it('the probe of a port in use runs as the system user: the server logs no "role root does not exist"', () => {
  callAgent(AGENT, 'validate-all', { ...base(good), pghost: busy.socketDir, pgport: String(busy.port) });
  assert.doesNotMatch(readFileSync(busy.logFile, 'utf8'), /role "root" does not exist/);
});

it('stop and monitor with pgdata a file: nothing can run there (0 and 7, no "failed unexpectedly")', () => {
  const params = { ...base(good), pgdata: aFile() };
  const stop = callAgent(AGENT, 'stop', params);
  assert.equal(stop.code, 0, stop.stderr);
  const monitor = callAgent(AGENT, 'monitor', params);
  assert.equal(monitor.code, 7, monitor.stderr);
  assert.doesNotMatch(stop.stderr + monitor.stderr, /unexpectedly/);
});

it('stop and a probe with bad parameters or missing binaries do not fail', () => {
  assert.equal(callAgent(AGENT, 'stop', { ...base(good), maxlag: 'x' }).code, 0);
  assert.equal(callAgent(AGENT, 'stop', { ...base(good), bindir: scratch }).code, 0);
  assert.equal(callAgent(AGENT, 'monitor', { ...base(good), bindir: scratch }).code, 7);
});

function notADataDir(): string {
  const dir = join(scratch, 'plain');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hello'), 'x');
  chownSync(dir, 0, 0);
  return dir;
}

function fakeBindir(version: string): string {
  const dir = join(scratch, `bin-${version}`);
  mkdirSync(dir, { recursive: true });
  for (const tool of ['pg_ctl', 'pg_controldata']) writeFileSync(join(dir, tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(dir, 'postgres'), `#!/bin/sh\necho "postgres (PostgreSQL) ${version}"\n`, { mode: 0o755 });
  return dir;
}
