// The built executables' V8 code cache (scripts/bootstrap.cjs): monitor writes it once in a safe
// HA_RSCTMP and starts from it afterwards; a directory or file others could write is never used;
// a damaged cache is rejected by V8 and replaced; other actions never write one.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let pg: PgInstance;
const dirs: string[] = [];

before(async () => {
  pg = await createPrimary({ name: 'cc' });
});

after(async () => {
  await cleanupAllPg();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const stateDir = (mode = 0o755): string => {
  const d = mkdtempSync(join(tmpdir(), 'pgbeat-cc-'));
  chmodSync(d, mode);
  dirs.push(d);
  return d;
};
const caches = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
const monitor = (dir: string, action = 'monitor') =>
  callAgent(AGENT, action, { pgdata: pg.dataDir, pghost: pg.socketDir, pgport: String(pg.port), mode: 'primitive', sync_mode: 'off', CRM_meta_interval: '10000' }, { extraEnv: { HA_RSCTMP: dir } });

it('the first monitor writes the cache (mode 0600); later ones use it and leave it alone', () => {
  const dir = stateDir();
  assert.equal(monitor(dir).code, 0);
  const [file] = caches(dir);
  assert.ok(file, 'a cache file was written');
  assert.match(file, /^pgbeat-postgresql-[0-9a-f]{16}-v\d+\.\d+\.\d+\.v8cache$/);
  const first = statSync(join(dir, file));
  assert.equal(first.mode & 0o777, 0o600);
  assert.equal(monitor(dir).code, 0);
  assert.equal(statSync(join(dir, file)).mtimeMs, first.mtimeMs, 'an accepted cache is not rewritten');
});

it('a cache of another build is removed when this build writes its own; other agents\' are kept', () => {
  const dir = stateDir();
  const stale = join(dir, 'pgbeat-postgresql-0123456789abcdef-v20.0.0.v8cache');
  const other = join(dir, 'pgbeat-IPaddr-0123456789abcdef-v20.0.0.v8cache');
  writeFileSync(stale, 'old', { mode: 0o600 });
  writeFileSync(other, 'old', { mode: 0o600 });
  assert.equal(monitor(dir).code, 0);
  assert.equal(caches(dir).length, 2, caches(dir).join(' '));
  assert.ok(!caches(dir).includes('pgbeat-postgresql-0123456789abcdef-v20.0.0.v8cache'), 'the stale cache is gone');
  assert.ok(caches(dir).includes('pgbeat-IPaddr-0123456789abcdef-v20.0.0.v8cache'), 'another agent\'s cache is not ours to remove');
});

it('a damaged cache is rejected and replaced; the monitor answers as usual', () => {
  const dir = stateDir();
  assert.equal(monitor(dir).code, 0);
  const file = join(dir, caches(dir)[0]!);
  writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
  assert.equal(monitor(dir).code, 0);
  assert.notEqual(statSync(file).size, 4096, 'V8 rejected it and a new one was written');
});

it('a state directory others can write, or a cache file someone else owns, is not trusted', () => {
  const open = stateDir(0o777);
  chmodSync(open, 0o777);
  assert.equal(monitor(open).code, 0);
  assert.deepEqual(caches(open), [], 'no cache in a world-writable directory');

  const dir = stateDir();
  assert.equal(monitor(dir).code, 0);
  const file = join(dir, caches(dir)[0]!);
  chownSync(file, 65534, 65534);
  assert.equal(monitor(dir).code, 0);
  assert.equal(statSync(file).uid, 0, 'the foreign file was replaced by one of our own, not read');
});

it('actions other than monitor and status never write a cache', () => {
  const dir = stateDir();
  assert.equal(monitor(dir, 'meta-data').code, 0);
  assert.equal(monitor(dir, 'validate-all').code, 0);
  assert.deepEqual(caches(dir), []);
});
