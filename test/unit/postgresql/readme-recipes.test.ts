// The README's recipes parse as written: every haresources line, the pcs lines and db_sync's cron
// lines give valid parameters (so a sample in the README cannot rot), with the values they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePgParams, pgFromV1Args } from '../../../lib/postgresql/params.ts';
import { parseVipParams } from '../../../lib/vip/params.ts';
import { parseSyncParams, syncFromV1Args } from '../../../lib/db-sync/params.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const lines = readme.split('\n');

// The arguments heartbeat passes: the resource's `::`-separated fields after the script name.
const haresourcesArgs = (line: string, script = 'pgbeat-postgresql'): string[][] =>
  line.trim().split(/\s+/).slice(1).filter((r) => r.startsWith(`${script}::`)).map((r) => r.split('::').slice(1));

/** The README's haresources lines (a node name, then pgbeat resources). */
const haresourcesLines = (): string[] => lines.filter((l) => /^\S+\s+pgbeat-\w+::/.test(l));

test('every pgbeat-postgresql resource on a haresources line of the README parses', () => {
  const found = haresourcesLines().flatMap((l) => haresourcesArgs(l));
  assert.ok(found.length >= 1, 'the README shows a haresources line');
  for (const args of found) {
    const p = parsePgParams(pgFromV1Args(args));
    assert.equal(p.mode, 'primitive');
    assert.equal(p.pgdata, '/var/lib/postgresql/15/main');
    assert.equal(p.primary_host, '192.0.2.10');
    assert.deepEqual(p.peers.map((x) => `${x.name}=${x.host}`), ['node1=192.0.2.11', 'node2=192.0.2.12']);
  }
  const full = found.find((a) => a.some((x) => x.startsWith('sync_mode=')));
  assert.ok(full, 'one line passes named parameters');
  const p = parsePgParams(pgFromV1Args(full));
  assert.equal(p.sync_mode, 'off');
  assert.equal(p.start_opts, '-cconfig_file=/etc/postgresql/15/main/postgresql.conf');
  assert.equal(p.repl_passfile, '/var/lib/postgresql/.pgpass-pgbeat');
});

// `pcs resource create NAME AGENT k=v ... op ...` with backslash continuations, as a shell would split it.
const pcsParams = (agent: string): Record<string, string> => {
  const start = lines.findIndex((l) => l.startsWith('pcs resource create') && l.includes(agent));
  assert.ok(start >= 0, `the README shows pcs resource create ... ${agent}`);
  let text = '';
  for (let i = start; i < lines.length; i++) {
    text += ` ${lines[i]!.replace(/\\$/, '')}`;
    if (!lines[i]!.endsWith('\\')) break;
  }
  const words = [...text.matchAll(/(\w+)=("[^"]*"|\S+)/g)];
  const out: Record<string, string> = {};
  for (const [, k, v] of words) {
    if (k === 'interval' || k === 'role' || k === 'timeout' || k === 'notify' || k === 'promoted') break;
    out[k!] = v!.replace(/^"|"$/g, '');
  }
  return out;
};

test('the pcs recipes of the README give valid parameters', () => {
  const pg = parsePgParams(pcsParams('ocf:pgbeat:postgresql'));
  assert.equal(pg.sync_mode, 'fallback');
  assert.equal(pg.peers.length, 2);
  assert.equal(pg.start_opts, '-cconfig_file=/etc/postgresql/15/main/postgresql.conf');
  const vip = parseVipParams(pcsParams('ocf:pgbeat:IPaddr ip=192.0.2.10 cidr_netmask=24 dad'));
  assert.equal(vip.dad, false, 'the recipe with fencing skips the duplicate-address probe');
});

test('the db_sync cold standby recipe: its haresources line and cron lines parse, with the values shown', () => {
  const line = haresourcesLines().find((l) => l.includes('pgbeat-db_sync::'));
  assert.ok(line, 'the README shows db_sync on a haresources line');
  const resources = line.trim().split(/\s+/).slice(1).map((r) => r.split('::')[0]);
  assert.deepEqual(resources, ['pgbeat-db_sync', 'pgbeat-IPaddr', 'pgbeat-postgresql'], 'the pull runs before the address, the database last');
  const [syncArgs] = haresourcesArgs(line, 'pgbeat-db_sync');
  const sync = parseSyncParams(syncFromV1Args(syncArgs!));
  assert.equal(sync.method, 'rsync');
  assert.equal(sync.source_host, '192.0.2.10');
  assert.equal(sync.target_dir, '/var/lib/postgresql/15/main');
  assert.equal(sync.rsync_module, 'pgdata');
  assert.equal(sync.pull_on_start, true);
  assert.equal(sync.interval, 0);
  const [pgArgs] = haresourcesArgs(line);
  const pg = parsePgParams(pgFromV1Args(pgArgs!));
  assert.equal(pg.stop_as, 'stopped', 'the node giving the group up keeps the database down, so db_sync can copy into it');
  assert.equal(pg.pgdata, sync.target_dir, 'the database starts from the copy db_sync keeps');
  // cron: `... /etc/ha.d/resource.d/pgbeat-db_sync <v1 args> run`
  const cron = lines.filter((l) => /^(\S+\s+){5}root \/etc\/ha\.d\/resource\.d\/pgbeat-db_sync |^@reboot\s+root \/etc\/ha\.d\/resource\.d\/pgbeat-db_sync /.test(l));
  assert.ok(cron.length >= 2, 'the README shows the */5 and @reboot cron lines');
  for (const l of cron) {
    const words = l.trim().split(/\s+/);
    const at = words.indexOf('/etc/ha.d/resource.d/pgbeat-db_sync');
    assert.equal(words[words.length - 1], 'run', l);
    const p = parseSyncParams(syncFromV1Args(words.slice(at + 1, -1)));
    assert.equal(p.source_host, sync.source_host, l);
    assert.equal(p.target_dir, sync.target_dir, l);
    assert.equal(p.rsync_password_file, sync.rsync_password_file, l);
  }
});
