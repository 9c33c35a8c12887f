// The README's recipes parse as written: every haresources line and the pcs line of the postgresql
// agent give valid parameters (so a sample in the README cannot rot), with the values they show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePgParams, pgFromV1Args } from '../../../lib/postgresql/params.ts';
import { parseVipParams } from '../../../lib/vip/params.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const lines = readme.split('\n');

// The arguments heartbeat passes: the resource's `::`-separated fields after the script name.
const haresourcesArgs = (line: string): string[][] =>
  line.trim().split(/\s+/).slice(1).filter((r) => r.startsWith('pgbeat-postgresql::')).map((r) => r.split('::').slice(1));

test('every pgbeat-postgresql resource on a haresources line of the README parses', () => {
  const found = lines.filter((l) => /^\S+\s+pgbeat-IPaddr::/.test(l)).flatMap(haresourcesArgs);
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
