// A promotion next to a peer whose address is black-holed (its node fenced or powered off): asked,
// such a peer costs the whole connect timeout; named in the promote's notify_stop_uname (Pacemaker
// runs the promote only after that stop, or the fencing behind it, succeeded) it is not asked at
// all. Without that evidence the wait and the refusal rules are as before. Real PostgreSQL servers
// and the built agent, run inside a network namespace of our own where 192.0.2.66 is on a link with
// nobody behind it; the servers are reached over their unix sockets. Prints the promotion times.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent, type AgentRun } from '../helpers/agent.ts';
import { ip } from '../helpers/netns.ts';
import { cleanupAllPg, createPrimary, createStandby, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
const GHOST = '192.0.2.66';
const NS = `pgbsp-${randomBytes(3).toString('hex')}`;
let a: PgInstance;
let b: PgInstance;
let c: PgInstance;
let dir: string;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'pgbeat-stopped-peer-'));
  // A veth pair inside the namespace: 192.0.2.1/24 on one end, nothing on the other, and a fixed
  // neighbour entry for GHOST: its SYNs leave and nobody ever answers (no ARP failure to cut the
  // wait short), as with a fenced host behind a switch. A connection hangs until its timeout.
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  ip('-n', NS, 'link', 'add', 'bh0', 'type', 'veth', 'peer', 'name', 'bh1');
  ip('-n', NS, 'addr', 'add', '192.0.2.1/24', 'dev', 'bh0');
  ip('-n', NS, 'link', 'set', 'bh0', 'up');
  ip('-n', NS, 'link', 'set', 'bh1', 'up');
  ip('-n', NS, 'neigh', 'add', GHOST, 'lladdr', '02:00:00:00:00:66', 'dev', 'bh0', 'nud', 'permanent');
  a = await createPrimary({ name: 'spa', hba: ['host replication all 192.0.2.0/24 trust'] });
  b = await createStandby(a, { name: 'spb' });
  c = await createStandby(a, { name: 'spc' });
  await waitFor('both standbys streaming', async () => (await a.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === '2');
  // spa's node is "fenced": its server dies and its address leads nowhere.
  await a.kill9();
});

after(async () => {
  await cleanupAllPg();
  spawnSync('ip', ['netns', 'del', NS]);
  rmSync(dir, { recursive: true, force: true });
});

// The lists Pacemaker 2.1.5 gives a promote of a promotable clone with notify=true after fencing spa.
const promoteLists = (self: string, stopped: string): Record<string, string> => ({
  CRM_meta_promotable: 'true', CRM_meta_notify: 'true', CRM_meta_clone_max: '3', CRM_meta_promoted_max: '1',
  CRM_meta_notify_promote_uname: self, CRM_meta_notify_stop_uname: stopped || ' ', CRM_meta_notify_start_uname: ' ',
  CRM_meta_notify_demote_uname: stopped || ' ', CRM_meta_notify_active_uname: 'spa spb spc',
});

/** Runs promote on `self` in the namespace; returns the run, its wall time and its log. */
const promote = (self: PgInstance, peers: string, stopped: string): { run: AgentRun; ms: number; log: string } => {
  const logFile = join(dir, `${self.name}-${Date.now()}.log`);
  writeFileSync(logFile, '');
  const started = process.hrtime.bigint();
  const run = callAgent(AGENT, 'promote', {
    pgdata: self.dataDir, pghost: self.socketDir, pgport: String(self.port), node_name: self.name, mode: 'promotable',
    primary_host: a.socketDir, primary_port: String(a.port), repuser: 'postgres', sync_mode: 'off', replication_slots: 'false',
    peers, ...promoteLists(self.name, stopped),
  }, { ns: NS, extraEnv: { HA_LOGFILE: logFile, HA_LOGFACILITY: 'none', HA_RSCTMP: dir, OCF_RESOURCE_INSTANCE: `pg-${self.name}` } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { run, ms, log: readFileSync(logFile, 'utf8') };
};

const figures: string[] = [];
after(() => console.log(`promotion with spa black-holed at ${GHOST}:\n  ${figures.join('\n  ')}`));

it('without evidence the black-holed peer is asked and the promotion waits for its connect timeout', () => {
  const r = promote(b, `spa=${GHOST}:5432`, '');
  assert.equal(r.run.code, 0, `${r.run.stderr}\n${r.log}`);
  assert.match(r.log, /peer spa \(192\.0\.2\.66:5432\) not reachable: .*time/i);
  assert.match(r.log, /promotion check: .*not compared: spa \(unreachable\)/);
  assert.doesNotMatch(r.log, /not asked/);
  figures.push(`spb, no evidence (spa asked): agent promote ${r.ms.toFixed(0)} ms`);
});

it('with evidence for spa, a running primary among the other peers still forbids the promotion', async () => {
  const r = promote(c, `spa=${GHOST}:5432,spb=${b.socketDir}:${b.port}`, 'spa');
  assert.equal(r.run.code, 1, `${r.run.stderr}\n${r.log}`);
  assert.match(r.run.reason ?? '', /Refusing to promote spc: peer spb is a running primary/);
  assert.match(r.log, /peer spa \(192\.0\.2\.66:5432\) not asked: stopped by the cluster/);
  assert.equal(await c.sql('SELECT pg_is_in_recovery()'), 't');
  figures.push(`spc, evidence for spa, spb a running primary: refused in ${r.ms.toFixed(0)} ms`);
});

it('with evidence (spa in notify_stop_uname) the peer is not asked and no connect timeout is spent', async () => {
  const r = promote(c, `spa=${GHOST}:5432`, 'spa');
  assert.equal(r.run.code, 0, `${r.run.stderr}\n${r.log}`);
  assert.match(r.log, /peer spa \(192\.0\.2\.66:5432\) not asked: stopped by the cluster before this promotion \(notify_stop_uname\)/);
  assert.doesNotMatch(r.log, /not reachable/);
  assert.match(r.log, /promotion check: .*not compared: spa \(stopped\)/);
  assert.equal(await c.sql('SELECT pg_is_in_recovery()'), 'f');
  figures.push(`spc, spa in notify_stop_uname (not asked): agent promote ${r.ms.toFixed(0)} ms`);
});
