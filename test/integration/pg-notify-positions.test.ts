// Pre-promote notify under Pacemaker: every node publishes its timeline and WAL position as a node
// attribute; the node being promoted refuses when a peer it cannot reach directly published a
// position ahead of its own; post-promote withdraws the attributes. Without a running cluster a
// small crm_attribute stand-in keeps the attributes in files (the one fake here; the real cluster
// runs the same notifications in pg-pacemaker-cluster.test.ts). PostgreSQL and the agent are real.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let a: PgInstance;
let b: PgInstance;
let c: PgInstance;
let dir: string;

// crm_attribute --lifetime reboot --node N --name X (--update V | --query --quiet | --delete)
const STAND_IN = `#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in --node) node=$2; shift ;; --name) name=$2; shift ;; --update) op=set; val=$2; shift ;; --query) op=get ;; --delete) op=del ;; esac
  shift
done
echo "$op $node $name $val" >> "$(dirname "$0")/calls"
f="$(dirname "$0")/attrs/$node.$name"
case $op in
  set) mkdir -p "$(dirname "$f")" && printf '%s' "$val" > "$f" ;;
  get) [ -f "$f" ] && cat "$f" || exit 6 ;;
  del) rm -f "$f" ;;
esac
`;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-crm-'));
  writeFileSync(join(dir, 'crm_attribute'), STAND_IN, { mode: 0o755 });
  a = await createPrimary({ name: 'npa' });
  b = await createStandby(a, { name: 'npb' });
  c = await createStandby(a, { name: 'npc' });
  await waitFor('both standbys streaming', async () => (await a.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === '2');
});

after(async () => {
  await cleanupAllPg();
  rmSync(dir, { recursive: true, force: true });
});

const attribute = (node: string): string | undefined => {
  const f = join(dir, 'attrs', `${node}.pgbeat-pgsql-position`);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
};

// `peers` as the promoting node sees them: c's entry can point at a port nobody listens on.
const call = (self: PgInstance, action: string, peers: string, meta: Record<string, string> = {}) =>
  callAgent(AGENT, action, {
    pgdata: self.dataDir, pghost: self.socketDir, pgport: String(self.port), node_name: self.name, mode: 'promotable',
    primary_host: a.socketDir, primary_port: String(a.port), repuser: 'postgres', sync_mode: 'off', replication_slots: 'false',
    peers, crm_feature_set: '3.16.2', ...meta,
  }, { extraEnv: { PATH: `${dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HA_RSCTMP: dir, OCF_RESOURCE_INSTANCE: 'pgsql' } });

const notify = (self: PgInstance, type: 'pre' | 'post', promote: string, peers: string) =>
  call(self, 'notify', peers, { CRM_meta_notify_type: type, CRM_meta_notify_operation: 'promote', CRM_meta_notify_promote_uname: promote });

it('a node that a peer it cannot reach is ahead of (as published in pre-promote) is not promoted; the one ahead is', async () => {
  // b falls behind: stopped while a writes (c receives), then a dies.
  await b.stop('fast');
  await a.sql('CREATE TABLE np_t AS SELECT g FROM generate_series(1, 1000) g');
  const aEnd = await a.sql('SELECT pg_current_wal_lsn()');
  await waitFor('c to receive all of a', async () => (await c.sql(`SELECT pg_last_wal_receive_lsn() >= '${aEnd}'`)) === 't');
  await a.kill9();
  await b.start();

  const everyone = `npa=${a.socketDir}:${a.port},npb=${b.socketDir}:${b.port},npc=${c.socketDir}:${c.port}`;
  for (const n of [b, c]) assert.equal(notify(n, 'pre', 'npb', everyone).code, 0);
  assert.match(attribute('npc') ?? '', /^1:[0-9A-F]+\/[0-9A-F]+:\d+$/, 'c published its position');
  assert.match(attribute('npb') ?? '', /^1:/, 'b published its position');

  // b cannot reach c directly (a wrong port in b's peers): c's published position still stops it.
  const cHidden = `npa=${a.socketDir}:${a.port},npc=${c.socketDir}:1`;
  const refused = call(b, 'promote', cHidden);
  assert.equal(refused.code, 1, `${refused.stdout}\n${refused.stderr}`);
  assert.match(refused.reason ?? '', /npc published timeline 1 at [0-9A-F]+\/[0-9A-F]+ before this promotion, we are at .* behind\)/);
  assert.equal(await b.sql('SELECT pg_is_in_recovery()'), 't');

  // c is ahead of everyone it can see: it is promoted; post-promote withdraws both positions.
  const promoted = call(c, 'promote', `npa=${a.socketDir}:${a.port},npb=${b.socketDir}:${b.port}`);
  assert.equal(promoted.code, 0, `${promoted.stdout}\n${promoted.stderr}`);
  for (const n of [b, c]) assert.equal(notify(n, 'post', 'npc', everyone).code, 0);
  assert.equal(attribute('npb'), undefined, 'b withdrew its position');
  assert.equal(attribute('npc'), undefined, 'c withdrew its position');
  assert.equal(await c.sql('SELECT count(*) FROM np_t'), '1000', 'the rows b would have lost are on the new primary');
});
