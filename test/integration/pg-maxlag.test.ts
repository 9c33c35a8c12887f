// maxlag against the primary's last known position, with no peer to ask: the standby streams
// through a slow link (two socat relays in network namespaces this test creates, the receiving side
// rate-limited with iptables), so its WAL receiver hears of the primary's end of WAL long before the
// WAL itself arrives. promote is refused while the primary runs (live WAL receiver) and after it
// was killed (what the standby's monitor recorded), naming both positions; with maxlag=0 it goes on.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { ip } from '../helpers/netns.ts';
import { cleanupAllPg, createStreamingPair, waitFor, type PgInstance } from '../helpers/pg.ts';
import { parseLsn } from '../../lib/pg/lsn.ts';

const AGENT = agentPath('postgresql');
const NS_PRIMARY = `pgbml-p-${process.pid}`;
const NS_STANDBY = `pgbml-s-${process.pid}`;
const LINK = { primary: '198.51.100.1', standby: '198.51.100.2', port: '15432' };
const MAXLAG = 1024 * 1024;

let p: PgInstance;
let s: PgInstance;
let stateDir: string;
let relayDir: string;
const relays: ChildProcess[] = [];

const sh = (cmd: string, args: string[]): void => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
};

// A relay process inside a namespace; it is our child and is ended by PID in after().
const relay = (ns: string, from: string, to: string): void => {
  const child = spawn('ip', ['netns', 'exec', ns, 'socat', from, to], { stdio: 'ignore' });
  relays.push(child);
};

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  stateDir = mkdtempSync(join(tmpdir(), 'pgbeat-state-'));
  [p, s] = await createStreamingPair('mlp', 'mls');
  // Two namespaces joined by a veth pair; no route out, no host interface.
  ip('netns', 'add', NS_PRIMARY);
  ip('netns', 'add', NS_STANDBY);
  ip('link', 'add', 'mlp0', 'netns', NS_PRIMARY, 'type', 'veth', 'peer', 'name', 'mls0', 'netns', NS_STANDBY);
  ip('-n', NS_PRIMARY, 'addr', 'add', `${LINK.primary}/24`, 'dev', 'mlp0');
  ip('-n', NS_STANDBY, 'addr', 'add', `${LINK.standby}/24`, 'dev', 'mls0');
  for (const [ns, dev] of [[NS_PRIMARY, 'mlp0'], [NS_STANDBY, 'mls0']] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  // The standby side takes at most 150 packets a second from the primary side: a slow link.
  sh('ip', ['netns', 'exec', NS_STANDBY, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--sport', LINK.port, '-m', 'limit', '--limit', '150/second', '--limit-burst', '30', '-j', 'ACCEPT']);
  sh('ip', ['netns', 'exec', NS_STANDBY, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--sport', LINK.port, '-j', 'DROP']);
  relayDir = join(s.baseDir, 'relay');
  mkdirSync(relayDir, { mode: 0o755 });
  chownSync(relayDir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
  relay(NS_PRIMARY, `TCP-LISTEN:${LINK.port},bind=${LINK.primary},fork,reuseaddr`, `UNIX-CONNECT:${p.socketDir}/.s.PGSQL.${p.port}`);
  relay(NS_STANDBY, `UNIX-LISTEN:${relayDir}/.s.PGSQL.${p.port},fork,mode=777`, `TCP:${LINK.primary}:${LINK.port}`);
  await waitFor('the relays to listen', () => existsSync(join(relayDir, `.s.PGSQL.${p.port}`)), 10_000);
  await s.sql(`ALTER SYSTEM SET primary_conninfo = 'host=${relayDir} port=${p.port} user=postgres application_name=mls'`);
  await s.sql('SELECT pg_reload_conf()');
  await waitFor('the standby to stream through the relay', async () => (await s.sql("SELECT sender_host FROM pg_stat_wal_receiver WHERE status = 'streaming'")) === relayDir, 30_000);
});

after(async () => {
  for (const r of relays) if (r.exitCode === null && r.pid !== undefined) process.kill(r.pid, 'SIGTERM');
  await cleanupAllPg();
  for (const ns of [NS_PRIMARY, NS_STANDBY]) spawnSync('ip', ['netns', 'del', ns]);
  rmSync(stateDir, { recursive: true, force: true });
});

const params = (maxlag: number) => ({
  pgdata: s.dataDir, pghost: s.socketDir, pgport: String(s.port), mode: 'promotable', node_name: 'mls', repuser: 'postgres',
  primary_host: relayDir, primary_port: String(p.port), sync_mode: 'off', replication_slots: 'false', maxlag: String(maxlag),
});
const call = (action: string, maxlag: number, extra: Record<string, string> = {}) =>
  callAgent(AGENT, action, { ...params(maxlag), ...extra }, { extraEnv: { HA_RSCTMP: stateDir } });

// How far the standby's received WAL trails the end of WAL the primary reported to it.
const receiverGap = async (): Promise<bigint> => {
  const [latest, flushed] = (await s.sql('SELECT latest_end_lsn, flushed_lsn FROM pg_stat_wal_receiver')).split('|');
  return latest && flushed ? parseLsn(latest) - parseLsn(flushed) : 0n;
};

it('a standby that heard of WAL it has not received is not promoted beyond maxlag, primary alive or dead', async () => {
  await p.sql('CREATE TABLE ml_t AS SELECT g, repeat(md5(g::text), 4) AS pad FROM generate_series(1, 150000) g');
  const gap = await waitFor('the standby to hear of WAL it has not received', async () => {
    const g = await receiverGap();
    return g > 4n * BigInt(MAXLAG) ? g : undefined;
  }, 60_000);
  console.log(`# the standby trails the primary's reported end of WAL by ${gap} bytes`);

  // Primary alive, no peers configured: the live WAL receiver is what tells.
  const live = call('promote', MAXLAG);
  assert.equal(live.code, 1, `${live.stdout}\n${live.stderr}`);
  assert.match(live.reason ?? '', /behind the primary's last known position .* \(heard by the WAL receiver\), more than maxlag/);

  // The monitor records the primary's end; then the primary dies and its relay goes with it.
  assert.equal(call('monitor', MAXLAG, { CRM_meta_interval: '15000' }).code, 0);
  await p.kill9();
  const dead = call('promote', MAXLAG, { peers: `mlp=${p.socketDir}:${p.port}` });
  assert.equal(dead.code, 1, `${dead.stdout}\n${dead.stderr}`);
  assert.match(dead.reason ?? '', /behind the primary's last known position .* \(heard by the WAL receiver(, recorded [0-9T:.-]+Z)?\)/);
  assert.equal((await s.sql('SELECT pg_is_in_recovery()')), 't', 'still a standby after the refusals');

  // maxlag=0 accepts any lag: the operator's explicit choice.
  const forced = call('promote', 0, { peers: `mlp=${p.socketDir}:${p.port}` });
  assert.equal(forced.code, 0, `${forced.stdout}\n${forced.stderr}`);
  assert.equal((await s.sql('SELECT pg_is_in_recovery()')), 'f');
});
