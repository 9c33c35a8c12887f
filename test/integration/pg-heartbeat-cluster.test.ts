// test: exclusive (installs the agents and runs cluster daemons)
// The INSTALLED postgresql and IPaddr agents under two real heartbeat 3.0.6 daemons in v1
// (haresources) mode. Each node (hba, hbb) is a lab network namespace plus its own mount, UTS and PID
// namespaces (test/helpers/heartbeat-cluster.ts), with its own /etc/ha.d, /var/lib/heartbeat and
// /run, and its own PostgreSQL 15 data directory at the same path, /var/lib/pgbeat-lab/data (a
// per-node temp dir bind-mounted in the node's mount namespace), run as `postgres`. A third lab
// host (192.0.2.3) is the client that writes through the VIP.
//
// - Bootstrap: hba is initdb'd and stopped cleanly; hbb's data directory is empty. Both daemons start;
//   hba takes the group (its primary, then the VIP). On hbb heartbeat runs nothing, so, as the README
//   says, `pgbeat-postgresql <args> stop` is run once there: stop_as=standby clones it from the VIP.
// - Handover with hb_standby on hba; then a switchover and back (hb_standby on each side in turn,
//   the second right after the first) with the client writing through the VIP all along.
// - Partition: the primary (hbb) is cut off (iptables + arptables DROP on its lab interface); hba
//   takes over and acknowledges the client's writes; then the heal. heartbeat 3.0.6 on
//   heal: both sides log "returning after partition", give up everything and re-exec themselves; the
//   side whose stop runs first finds the other still primary and is rewound from it (report first).
//   What follows depends on that race; both outcomes are handled and printed (see the test).
// - sync_mode=fallback and the loss of the primary's node: the standby's start is refused.
//
// Group order: the VIP comes first (see haresources() below, and the README).
// Needs root, heartbeat, resource-agents and postgresql-15 (scripts/setup-system.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HA_RESOURCE_DIR, installIntoSystem } from '../helpers/install.ts';
import { addressesOf, createLab, ip, type Lab } from '../helpers/netns.ts';
import { HA_NOARCH, HEARTBEAT, makeHbNode, type HbNode } from '../helpers/heartbeat-cluster.ts';
import { NODE_PATH, waitUntil, type Run } from '../helpers/lab-node.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { prepareLabPostgres } from '../helpers/lab-postgres.ts';
import { ACK_TABLE_SQL, missingAcks, startVipWriter, stopAllWriters, type VipWriter } from '../helpers/vip-writer.ts';

const NIC = 'eth0';
const VIP = '192.0.2.100';
const LAB_DIR = '/var/lib/pgbeat-lab';
const PGDATA = `${LAB_DIR}/data`;
/** report_dir: the node's own (LAB_DIR is a private bind per node), outside pgdata. */
const REPORT_DIR = `${LAB_DIR}/log`;
const SOCKET_DIR = '/var/run/pgbeat-lab';
const NODES = [
  { name: 'hba', address: '192.0.2.1' },
  { name: 'hbb', address: '192.0.2.2' },
] as const;
const CLIENT_ADDRESS = '192.0.2.3';
const PG_SCRIPT = `${HA_RESOURCE_DIR}/pgbeat-postgresql`;
const IP_SCRIPT = `${HA_RESOURCE_DIR}/pgbeat-IPaddr`;
const pgArgs = (syncMode: string): string[] => [
  PGDATA, VIP, NODES.map((n) => `${n.name}=${n.address}`).join(','), `pghost=${SOCKET_DIR}`, 'repuser=replicator', `sync_mode=${syncMode}`,
  `report_dir=${REPORT_DIR}`,
];
// The VIP comes FIRST in the group, so heartbeat stops PostgreSQL (right to left) while the VIP is
// still up: the standby streams through the VIP, and only then does the primary's shutdown
// checkpoint reach it. With the database first the VIP goes first and the
// walsender's connection dies with it: the fast shutdown waits wal_sender_timeout (60 s) for it, the
// shutdown checkpoint never reaches the standby, and the standby's start is refused ("Refusing to
// promote hbb: peer hba is ahead: timeline 1 at 0/3005888, we are at 0/3005810 (120 B behind)");
// 30 s later ResourceManager hands the group back to hba. The price of this order: ResourceManager's
// retry after a failed start runs `hb_standby $(StandbyGroupType <failed resource>)`, which answers
// "local" only for the group's KEY (its first resource), so a refused PostgreSQL start on the group's
// own node retries with "foreign" and nothing moves (the partition test shows it).
const haresources = (syncMode: string): string =>
  `# written by pg-heartbeat-cluster.test.ts\nhba pgbeat-IPaddr::${VIP}/24/${NIC} pgbeat-postgresql::${pgArgs(syncMode).join('::')}`;
const HA_CF = [
  'keepalive 500ms', 'deadtime 3', 'warntime 2', 'initdead 6',
  ...NODES.map((n) => `ucast ${NIC} ${n.address}`),
  'auto_failback off',
  `node ${NODES.map((n) => n.name).join(' ')}`,
];

const missing = [HEARTBEAT, `${HA_NOARCH}/hb_standby`, ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
  .filter((f) => !existsSync(f));
if (missing.length) console.log(`# pg-heartbeat-cluster: skipped, missing: ${missing.join(', ')}`);

let lab: Lab | undefined;
let install: ReturnType<typeof installIntoSystem> | undefined;
const temps: string[] = [];
const nodes = new Map<string, HbNode>();
/** Per node: the host directory shown at LAB_DIR inside the node. */
const labDirs = new Map<string, string>();
/** iptables/arptables rules we added: [namespace, tool, ...rule]. */
const addedRules: string[][] = [];

const toRun = (r: ReturnType<typeof spawnSync>): Run => {
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}` };
};

/** Runs a PostgreSQL binary as postgres on the host (setup only; the servers run inside the nodes). */
const psqlArgs = (conn: string[], text: string): string[] =>
  ['runuser', '-u', 'postgres', '--', join(PG_BINDIR, 'psql'), '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', ...conn, '-c', text];

/** psql as postgres over the node's own socket; throws with psql's words on failure. */
const sql = (node: HbNode, text: string, timeoutMs = 20_000): string => {
  const r = node.run(psqlArgs(['-h', SOCKET_DIR, '-p', '5432', '-d', 'postgres'], text), { timeoutMs });
  if (r.status !== 0) throw new Error(`psql on ${node.spec.name} (${r.status}): ${r.out.trim()}`);
  return r.stdout.trim();
};
const trySql = (node: HbNode, text: string, timeoutMs = 20_000): string | undefined => {
  try {
    return sql(node, text, timeoutMs);
  } catch {
    return undefined;
  }
};

/** psql from the client host through the VIP (TCP); undefined on failure. */
const viaVip = (text: string, timeoutMs = 5_000): string | undefined => {
  const r = toRun(spawnSync('ip', ['netns', 'exec', lab!.host(2),
    ...psqlArgs(['-d', `host=${VIP} port=5432 dbname=postgres user=postgres connect_timeout=2`], text)], {
    encoding: 'utf8', env: { PATH: NODE_PATH, LANG: 'C' }, timeout: timeoutMs, cwd: '/',
  }));
  return r.status === 0 ? r.stdout.trim() : undefined;
};

const node = (name: string): HbNode => nodes.get(name)!;
const nsOf = (name: string): string => lab!.host(NODES.findIndex((n) => n.name === name));
const hasVip = (name: string): boolean => addressesOf(nsOf(name), NIC).includes(`${VIP}/24`);
const vipHolders = (): string[] => NODES.map((n) => n.name).filter(hasVip);
const inRecovery = (name: string): string | undefined => trySql(node(name), 'SELECT pg_is_in_recovery()', 5_000);
const primaries = (): string[] => NODES.map((n) => n.name).filter((n) => inRecovery(n) === 'f');
const streamsFrom = (primary: string, standby: string): boolean =>
  trySql(node(primary), `SELECT state FROM pg_stat_replication WHERE application_name = '${standby}'`, 5_000) === 'streaming';

const serverLogText = (name: string): string => {
  try {
    const dir = join(labDirs.get(name)!, 'log');
    return readdirSync(dir).filter((f) => f.endsWith('-server.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
  } catch {
    return '';
  }
};
const serverLog = (name: string, lines = 20): string => serverLogText(name).trimEnd().split('\n').slice(-lines).join('\n') || '(none)';
const diagnose = (): string => NODES.map(({ name }) => [
  `=== ${name}: vip=${hasVip(name)} in_recovery=${inRecovery(name)} ===`,
  node(name).logs(60),
  `--- ${name} server log ---`,
  serverLog(name),
].join('\n')).join('\n');

/** Heartbeat's own lines (not the agents'), for the report. */
const heartbeatLines = (name: string, re: RegExp): string[] =>
  node(name).log().split('\n').filter((l) => re.test(l));

/** The installed scripts can vanish when another test uninstalls at the same time: put them back. */
const ensureInstalled = (): void => {
  if (existsSync(PG_SCRIPT) && existsSync(IP_SCRIPT)) return;
  console.log('# pg-heartbeat-cluster: the pgbeat scripts were gone from /etc/ha.d/resource.d (another test uninstalled?): reinstalling');
  install = installIntoSystem();
};

/** hba: a cleanly stopped primary; hbb: an empty directory. */
const preparePostgres = (): void => {
  const dirs = prepareLabPostgres({
    nodes: ['hba', 'hbb'], socketDir: SOCKET_DIR, clusterName: 'pgbeat_hb', subnet: '192.0.2.0/24', temps,
    // While both partitioned nodes hold the VIP, TCP between them breaks (each sees the other's VIP
    // as a local, martian source); a primary's fast shutdown then waits for its walsender to time
    // out. 15 s instead of the default 60 s keeps the heal within the test's time.
    settings: ["wal_sender_timeout = '15s'", "wal_receiver_timeout = '15s'"],
  });
  for (const [name, dir] of dirs) labDirs.set(name, dir);
};

/** Cuts `name` off: drops all traffic on its lab link (IP and ARP, in and out); the others still reach each other. */
const cutOff = (name: string): void => {
  const ns = nsOf(name);
  for (const rule of [
    ['iptables', 'INPUT', '-i', NIC, '-j', 'DROP'], ['iptables', 'OUTPUT', '-o', NIC, '-j', 'DROP'],
    ['arptables', 'INPUT', '-i', NIC, '-j', 'DROP'], ['arptables', 'OUTPUT', '-o', NIC, '-j', 'DROP'],
  ]) {
    const [tool, ...r] = rule as [string, ...string[]];
    const res = toRun(spawnSync('ip', ['netns', 'exec', ns, tool, '-A', ...r], { encoding: 'utf8', timeout: 10_000 }));
    assert.equal(res.status, 0, `${tool} -A ${r.join(' ')} in ${ns}: ${res.out}`);
    addedRules.push([ns, tool, ...r]);
  }
};

/** Removes every rule cutOff() added (also run by after()). */
const heal = (): void => {
  while (addedRules.length) {
    const [ns, tool, ...r] = addedRules.pop()!;
    spawnSync('ip', ['netns', 'exec', ns!, tool!, '-D', ...r], { timeout: 10_000 });
  }
};

/** The agent's discarded-transactions reports in a node's report_dir. */
const discardReports = (name: string): { file: string; text: string }[] => {
  const r = node(name).run(['sh', '-c', `for f in ${REPORT_DIR}/pgbeat-postgresql-*-discarded-*.txt; do [ -f "$f" ] && { echo "=== $f"; cat "$f"; }; done; true`]);
  return r.stdout.split(/^=== /m).filter(Boolean).map((chunk) => {
    const nl = chunk.indexOf('\n');
    return { file: chunk.slice(0, nl), text: chunk.slice(nl + 1) };
  });
};

describe('postgresql under two heartbeat 3.0.6 daemons (v1 haresources)', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  before(async () => {
    install = installIntoSystem();
    lab = createLab(3, [[`${NODES[0].address}/24`], [`${NODES[1].address}/24`], [`${CLIENT_ADDRESS}/24`]], NIC);
    preparePostgres();
    NODES.forEach((n, i) => {
      const hb = makeHbNode({
        name: n.name,
        ns: lab!.host(i),
        binds: [{ source: labDirs.get(n.name)!, target: LAB_DIR }],
        runDirs: [{ path: SOCKET_DIR, owner: 'postgres:postgres', mode: '2775' }],
      }, temps);
      hb.configure(HA_CF, haresources('off'));
      nodes.set(n.name, hb);
    });
  });

  after(async () => {
    const names = lab ? [lab.switchNs, lab.host(0), lab.host(1), lab.host(2)] : [];
    try {
      await stopAllWriters();
      heal();
      for (const n of nodes.values()) {
        // Stop the PostgreSQL the agents started (immediate, as postgres), then the node (PID 1, by PID).
        if (n.running() && existsSync(join(labDirs.get(n.spec.name)!, 'data', 'postmaster.pid'))) {
          n.run(['runuser', '-u', 'postgres', '--', join(PG_BINDIR, 'pg_ctl'), '-D', PGDATA, 'stop', '-m', 'immediate', '-w', '-t', '20'], { timeoutMs: 30_000 });
        }
        await n.kill();
      }
    } finally {
      lab?.cleanup();
      install?.restore();
      for (const d of temps) rmSync(d, { recursive: true, force: true });
    }
    const left = ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]).filter((ns) => ns && names.includes(ns));
    assert.deepEqual(left, [], 'every namespace of this test is gone');
  });

  it('both daemons start; hba takes the group: its PostgreSQL is primary and the VIP is on hba only', async () => {
    ensureInstalled();
    await Promise.all([node('hba').start(), node('hbb').start()]);
    const up = await waitUntil(() => hasVip('hba') && inRecovery('hba') === 'f', { timeoutMs: 60_000, stepMs: 500 });
    assert.ok(up, `hba did not take the group:\n${diagnose()}`);
    assert.deepEqual(vipHolders(), ['hba']);
    assert.equal(inRecovery('hbb'), undefined, 'nothing runs on hbb yet');
    // Made on the running server (not in single-user mode, where OIDs come from below 16384 and the
    // discarded-transactions report would count the table as a system catalog).
    sql(node('hba'), 'CREATE TABLE pgbeat_rows (id int PRIMARY KEY, note text)');
    assert.ok(await waitUntil(() => /Initial resource acquisition complete/.test(node('hba').log()), { timeoutMs: 20_000 }), node('hba').logs());
    assert.match(node('hba').log(), /Running \/etc\/ha\.d\/+resource\.d\/pgbeat-postgresql \/var\/lib\/pgbeat-lab\/data 192\.0\.2\.100 \S+ pghost=\S+ repuser=replicator sync_mode=off report_dir=\/var\/lib\/pgbeat-lab\/log start/);
    assert.doesNotMatch(node('hba').log(), /Giving up resources due to failure/);
    for (const n of ['hba', 'hbb']) {
      const s = node(n).run([HEARTBEAT, '-s']);
      assert.match(s.out, new RegExp(`heartbeat OK \\[pid \\d+ et al\\] is running on ${n} \\[${n}\\]`), s.out);
    }
  });

  it('the README\'s one-off `stop` on hbb clones it from the VIP; it streams from hba and is not "started" for heartbeat', async () => {
    ensureInstalled();
    const stop = node('hbb').run([PG_SCRIPT, ...pgArgs('off'), 'stop'], { timeoutMs: 120_000 });
    assert.equal(stop.status, 0, `${stop.out}\n${diagnose()}`);
    assert.equal(inRecovery('hbb'), 't', stop.out);
    const streaming = await waitUntil(() => streamsFrom('hba', 'hbb'), { timeoutMs: 30_000, stepMs: 500 });
    assert.ok(streaming, `hbb does not stream from hba:\n${diagnose()}`);
    // With peers it streams from whichever peer accepts writes (not through the VIP).
    assert.match(sql(node('hbb'), 'SHOW primary_conninfo'), /host=192\.0\.2\.1 .*target_session_attrs=read-write/);
    // heartbeat reads the v1 status's stdout: a standby is not "running" (the group is not held here).
    const st = node('hbb').run([PG_SCRIPT, ...pgArgs('off'), 'status']);
    assert.equal(st.stdout, 'stopped\n', st.out);
    assert.equal(node('hba').run([PG_SCRIPT, ...pgArgs('off'), 'status']).stdout, 'running\n');
    assert.equal(sql(node('hbb'), 'SELECT system_identifier FROM pg_control_system()'), sql(node('hba'), 'SELECT system_identifier FROM pg_control_system()'));
  });

  it('handover with hb_standby on hba: hbb becomes primary with every row, the VIP moves, hba follows as a standby', async () => {
    ensureInstalled();
    assert.equal(viaVip("INSERT INTO pgbeat_rows SELECT g, 'before handover' FROM generate_series(1, 100) g"), '', 'write through the VIP');
    const synced = await waitUntil(() => trySql(node('hbb'), 'SELECT count(*) FROM pgbeat_rows', 5_000) === '100', { timeoutMs: 20_000 });
    assert.ok(synced, 'hbb replayed the rows');

    const t0 = Date.now();
    const sb = node('hba').run([`${HA_NOARCH}/hb_standby`]);
    assert.equal(sb.status, 0, sb.out);
    let attempt = 0;
    let firstWrite = 0;
    const wrote = await waitUntil(() => {
      // Until hbb holds the VIP a write through it would still land on hba.
      if (!hasVip('hbb')) return false;
      attempt += 1;
      if (viaVip(`INSERT INTO pgbeat_rows VALUES (${100_000 + attempt}, 'first write after handover')`, 4_000) === undefined) return false;
      firstWrite = Date.now();
      return true;
    }, { timeoutMs: 90_000, stepMs: 200 });
    assert.ok(wrote, `no write through the VIP after hb_standby:\n${diagnose()}`);
    console.log(`# handover: hb_standby on hba -> first accepted write through the VIP (on hbb) in ${firstWrite - t0} ms`);

    assert.deepEqual(vipHolders(), ['hbb']);
    assert.equal(inRecovery('hbb'), 'f');
    assert.equal(Number(sql(node('hbb'), 'SELECT count(*) FROM pgbeat_rows WHERE id <= 100')), 100, 'every row written before is on hbb');
    const follows = await waitUntil(() => inRecovery('hba') === 't' && streamsFrom('hbb', 'hba'), { timeoutMs: 60_000, stepMs: 500 });
    assert.ok(follows, `hba does not stream from hbb as a standby:\n${diagnose()}`);
    assert.match(node('hba').log(), /Releasing resource group: hba pgbeat-IPaddr::192\.0\.2\.100\/24\/eth0 pgbeat-postgresql::/);
    assert.match(node('hbb').log(), /Acquiring resource group: hba pgbeat-IPaddr::192\.0\.2\.100\/24\/eth0 pgbeat-postgresql::/);
    const seen = await waitUntil(() => trySql(node('hba'), `SELECT note FROM pgbeat_rows WHERE id = ${100_000 + attempt}`, 5_000) === 'first write after handover', { timeoutMs: 20_000 });
    assert.ok(seen, 'hba replays the write made after the handover');
  });

  // Switchover and back with hb_standby, a client writing through the VIP all along; the switch back
  // runs as soon as the first one is done (the case once refused: the new standby's restartpoint
  // was still on the old timeline).
  it('switchover and back with hb_standby: both succeed, the old primary follows each time, every acknowledged write is kept', async () => {
    ensureInstalled();
    assert.deepEqual(primaries(), ['hbb'], 'hbb holds the group after the handover');
    sql(node('hbb'), ACK_TABLE_SQL);
    const writer = startVipWriter({ ns: lab!.host(2), host: VIP, phase: 'hb-switchover', first: 1, count: 3_000, maxSeconds: 150 });
    try {
      assert.ok(await waitUntil(() => writer.acked().length >= 10, { timeoutMs: 20_000 }), `the client does not write through the VIP: ${JSON.stringify(writer.attempts().slice(-3))}`);
      const move = async (from: string, to: string): Promise<{ firstWriteMs: number; promoteMs: string }> => {
        const logAt = node(to).log().length;
        const t0 = Date.now();
        const sb = node(from).run([`${HA_NOARCH}/hb_standby`]);
        assert.equal(sb.status, 0, sb.out);
        let resumed: ReturnType<VipWriter['resumedAfter']>;
        const moved = await waitUntil(() => hasVip(to) && inRecovery(to) === 'f' && (resumed = writer.resumedAfter(t0)) !== undefined, { timeoutMs: 90_000, stepMs: 250 });
        assert.ok(moved, `hb_standby on ${from}: no write through the VIP on ${to}:\n${diagnose()}`);
        const follows = await waitUntil(() => inRecovery(from) === 't' && streamsFrom(to, from), { timeoutMs: 60_000, stepMs: 250 });
        assert.ok(follows, `${from} does not stream from ${to} after the handover:\n${diagnose()}`);
        assert.deepEqual(vipHolders(), [to]);
        const promoteMs = /accepts writes (\d+) ms after the promotion began/.exec(node(to).log().slice(logAt))?.[1] ?? '?';
        return { firstWriteMs: resumed!.at - t0, promoteMs };
      };
      const there = await move('hbb', 'hba');
      console.log(`# switchover hbb -> hba (hb_standby): first acknowledged write through the VIP ${there.firstWriteMs} ms after hb_standby (promotion ${there.promoteMs} ms)`);
      const back = await move('hba', 'hbb');
      console.log(`# switch back hba -> hbb right after: first acknowledged write ${back.firstWriteMs} ms after hb_standby, promotion of hbb ${back.promoteMs} ms`);
    } finally {
      await writer.stop();
    }
    const lost = missingAcks(writer, sql(node('hbb'), "SELECT coalesce(string_agg(seq::text, ' '), '') FROM pgbeat_acks WHERE phase = 'hb-switchover'").split(' ').filter(Boolean).map(Number));
    console.log(`# switchover and back: ${writer.acked().length} writes acknowledged of ${writer.attempts().length} attempts, ${lost.length} lost`);
    assert.deepEqual(lost, [], 'every acknowledged write is on the final primary (hbb)');
  });

  it('partition: hba takes over after deadtime (second primary, sync_mode=off) and acknowledges the client\'s writes; on heal they all survive, one primary is left and the other rejoins by pg_rewind with a report', async () => {
    ensureInstalled();
    assert.deepEqual(primaries(), ['hbb'], 'hbb is the primary before the cut');
    const t0 = Date.now();
    // hbb (the primary) is cut off from hba and from the client.
    cutOff('hbb');
    const split = await waitUntil(() => primaries().length === 2 && vipHolders().length === 2, { timeoutMs: 40_000, stepMs: 250 });
    assert.ok(split, `hba did not take over during the partition:\n${diagnose()}`);
    console.log(`# partition: both nodes primary ${Date.now() - t0} ms after the cut (deadtime 3 s)`);
    assert.match(node('hba').log(), /node hbb: is dead/);
    // The client writes through the VIP, which only hba answers now (hbb is cut off).
    const writer = startVipWriter({ ns: lab!.host(2), host: VIP, phase: 'hb-partition', first: 100_000, count: 3_000, maxSeconds: 120 });
    let resumed: ReturnType<VipWriter['resumedAfter']>;
    try {
      const writing = await waitUntil(() => writer.acked().length >= 30, { timeoutMs: 60_000 });
      resumed = writer.attempts().find((a) => a.ok);
      assert.ok(writing, `the client's writes through the VIP do not reach hba: ${JSON.stringify(writer.attempts().slice(-3))}\n${diagnose()}`);
    } finally {
      await writer.stop();
    }
    console.log(`# partition: the client's first acknowledged write through the VIP (on hba) ${resumed!.at - t0} ms after the cut; ${writer.acked().length} acknowledged`);
    for (let i = 1; i <= 5; i++) {
      sql(node('hba'), `INSERT INTO pgbeat_rows VALUES (${200 + i}, 'written on hba during the partition')`);
      sql(node('hbb'), `INSERT INTO pgbeat_rows VALUES (${300 + i}, 'written on hbb during the partition')`);
    }
    // Let hba's takeover finish (its ResourceManager run) before the heal.
    await new Promise((r) => setTimeout(r, 2_000));
    const hbaXids = sql(node('hba'), "SELECT string_agg(xmin::text, ' ') FROM pgbeat_rows WHERE id BETWEEN 201 AND 205").split(' ');
    const hbbXids = sql(node('hbb'), "SELECT string_agg(xmin::text, ' ') FROM pgbeat_rows WHERE id BETWEEN 301 AND 305").split(' ');

    const healAt = Date.now();
    const serverLogAt = new Map<string, number>(NODES.map(({ name }) => [name, serverLogText(name).length]));
    const serverLogSinceHeal = (name: string): string => serverLogText(name).slice(serverLogAt.get(name));
    heal();
    // heartbeat 3.0.6 on heal: each side logs the other "returning after partition", gives up ALL
    // its resources (right to left: PostgreSQL first, while the VIP is still up) and re-execs itself.
    const restarted = await waitUntil(() => NODES.every(({ name }) => /Performing heartbeat restart exec/.test(node(name).log())), { timeoutMs: 90_000, stepMs: 250 });
    for (const { name } of NODES) {
      console.log(`# ${name} heartbeat on heal:\n${heartbeatLines(name, /returning after partition|Late heartbeat|Giving up all|Releasing resource group|restart|rewind|diverged/).slice(-12).map((l) => `#   ${l}`).join('\n')}`);
    }
    assert.ok(restarted, `heartbeat did not restart on both nodes after the heal:\n${diagnose()}`);
    assert.match(node('hba').log(), /CRIT: Cluster node hbb returning after partition\./);
    assert.match(node('hbb').log(), /CRIT: Cluster node hba returning after partition\./);
    for (const { name } of NODES) assert.match(node(name).log(), /info: Giving up all HA resources\./, name);

    // Whichever side's stop ran first found the other still a running primary and rewound itself from
    // it (report first). The other side's stop found no primary and came back as a standby unchecked.
    // After the restart hba (the group's node) takes the group again; its PostgreSQL start either
    // promotes (hbb was the one rewound) or is refused because hbb is ahead by its own shutdown
    // checkpoint, which never reached hba (hba was rewound while hbb still ran).
    const afterRestart = (name: string): string => node(name).log().split('Performing heartbeat restart exec').slice(1).join('');
    const good = (): { survivor: string; other: string } | undefined => {
      const p = primaries();
      const v = vipHolders();
      if (p.length !== 1 || v.length !== 1 || p[0] !== v[0]) return undefined;
      const survivor = p[0]!;
      const other = survivor === 'hba' ? 'hbb' : 'hba';
      return inRecovery(other) === 't' && streamsFrom(survivor, other) ? { survivor, other } : undefined;
    };
    // A third outcome: both stops ran at once, each found no running primary, neither was rewound;
    // hba then promotes (its timeline is newer) and hbb, a standby that diverged, cannot follow.
    const divergedStandby = (): string | undefined => {
      const p = primaries();
      if (p.length !== 1 || vipHolders().join() !== p[0]) return undefined;
      const o = p[0] === 'hba' ? 'hbb' : 'hba';
      return /forked off current database system timeline \d+ before current recovery point/.test(serverLogSinceHeal(o)) ? o : undefined;
    };
    let outcome: { survivor: string; other: string } | undefined;
    let refused = false;
    let diverged: string | undefined;
    let operatorOut = '';
    const decided = await waitUntil(() => {
      outcome = good();
      refused = /Refusing to promote hba: peer hbb is ahead/.test(afterRestart('hba'));
      diverged = outcome ? undefined : divergedStandby();
      return outcome !== undefined || refused || diverged !== undefined;
    }, { timeoutMs: 60_000, stepMs: 500 });
    assert.ok(decided, `after the restart hba neither became the only primary nor was refused:\n${diagnose()}`);
    if (diverged && !outcome) {
      const lines = serverLogSinceHeal(diverged).split('\n').filter((l) => /forked off/.test(l));
      console.log(`# heal: no side was rewound (both stops found no primary); ${diverged} is a standby that cannot follow:\n#   ${lines[0]}`);
      assert.equal(discardReports(diverged).length, 0, 'nothing rewound it yet');
      // heartbeat runs nothing on the node that does not hold the group: the operator runs the
      // README's one-off stop, which stops a standby that does not stream and rejoins it.
      const again = node(diverged).run([PG_SCRIPT, ...pgArgs('off'), 'stop'], { timeoutMs: 120_000 });
      assert.equal(again.status, 0, again.out);
      assert.match(again.out, /the standby does not stream .* rejoining it/, again.out);
      operatorOut = again.out;
      console.log(`# heal: operator ran \`pgbeat-postgresql ... stop\` on ${diverged}:\n${again.out.trim().split('\n').filter((l) => /rewind|diverged|rejoin/.test(l)).map((l) => `#   ${l}`).join('\n')}`);
      await waitUntil(() => (outcome = good()) !== undefined, { timeoutMs: 60_000, stepMs: 500 });
    }
    if (refused && !outcome) {
      console.log(`# heal: hba's start was refused after the restart:\n${heartbeatLines('hba', /Refusing to promote|Giving up resources due to failure/).slice(-2).map((l) => `#   ${l}`).join('\n')}`);
      // The agent's guarantee: no primary anywhere rather than one behind a peer.
      assert.ok(await waitUntil(() => vipHolders().length === 0, { timeoutMs: 15_000 }), 'the failed group gave the VIP up');
      assert.deepEqual(primaries(), [], 'no primary: hba is behind hbb, and hbb holds nothing for heartbeat');
      // ResourceManager's retry 30 s later asks `hb_standby <StandbyGroupType $failed_resource>`; the
      // failed resource is not the group key (the VIP is), so it says "foreign" and hbb acquires its
      // own (empty) local set: nothing moves.
      const retried = await waitUntil(() => /hb_standby\S*\s+Going standby \[foreign\]/.test(afterRestart('hba')) && /Standby resource acquisition done \[foreign\]/.test(node('hbb').log()), { timeoutMs: 45_000, stepMs: 500 });
      assert.ok(retried, `no standby retry seen:\n${diagnose()}`);
      assert.deepEqual(primaries(), [], 'still no primary after heartbeat\'s own retry');
      console.log('# heal: heartbeat\'s 30 s retry ran `hb_standby foreign` (wrong set); operator runs hb_takeover on hbb');
      const tk = node('hbb').run([`${HA_NOARCH}/hb_takeover`, 'all']);
      assert.equal(tk.status, 0, tk.out);
      await waitUntil(() => (outcome = good()) !== undefined, { timeoutMs: 60_000, stepMs: 500 });
    }
    for (const { name } of NODES) {
      console.log(`# ${name} after heal:\n${heartbeatLines(name, /Acquiring resource group|Running .* start|promotion check|start-as-primary|Refusing|rewind|diverged|Going standby|standby:/).slice(-14).map((l) => `#   ${l}`).join('\n')}`);
    }
    assert.ok(outcome, `no single primary with a streaming standby after the heal (primaries=${primaries()}, vip=${vipHolders()}):\n${diagnose()}`);
    const { survivor, other } = outcome;
    console.log(`# heal: one primary (${survivor}, holds the VIP) and ${other} streaming from it ${Date.now() - healAt} ms after the heal${refused ? ' (after hb_takeover)' : diverged ? ' (after the operator\'s stop)' : ''}`);

    const lostAcks = missingAcks(writer, trySql(node(survivor), "SELECT string_agg(seq::text, ' ') FROM pgbeat_acks WHERE phase = 'hb-partition'")?.split(' ').map(Number) ?? []);
    console.log(`# partition and heal: ${writer.acked().length} writes acknowledged on hba, ${writer.acked().length - lostAcks.length} kept, ${lostAcks.length} lost`);
    assert.equal(survivor, 'hba', 'the side promoted during the partition (newer timeline) is the one kept');
    assert.deepEqual(lostAcks, [], 'every write acknowledged on the promoted side survives the heal');
    const kept = survivor === 'hba' ? { range: [201, 205], xids: hbaXids } : { range: [301, 305], xids: hbbXids };
    const lost = survivor === 'hba' ? { range: [301, 305], xids: hbbXids } : { range: [201, 205], xids: hbaXids };
    assert.equal(sql(node(survivor), `SELECT count(*) FROM pgbeat_rows WHERE id BETWEEN ${kept.range[0]} AND ${kept.range[1]}`), '5', 'the survivor kept its partition rows');
    assert.equal(sql(node(survivor), 'SELECT count(*) FROM pgbeat_rows WHERE id <= 100'), '100');
    const replayed = await waitUntil(() => trySql(node(other), `SELECT count(*) FROM pgbeat_rows WHERE id BETWEEN ${kept.range[0]} AND ${kept.range[1]}`, 5_000) === '5', { timeoutMs: 20_000 });
    assert.ok(replayed, `${other} has the survivor's rows`);
    assert.equal(sql(node(other), `SELECT count(*) FROM pgbeat_rows WHERE id BETWEEN ${lost.range[0]} AND ${lost.range[1]}`), '0', `${other}'s own partition rows were rewound away`);

    const reports = discardReports(other);
    assert.equal(reports.length, 1, `one discarded-transactions report on ${other}: ${reports.map((r) => r.file).join(', ')}\n${diagnose()}`);
    console.log(`# discarded report on ${other}: ${reports[0]!.file}\n${reports[0]!.text.split('\n').slice(0, 30).map((l) => `#   ${l}`).join('\n')}`);
    const filenode = sql(node(survivor), "SELECT pg_relation_filenode('pgbeat_rows')");
    for (const x of lost.xids) {
      const line = reports[0]!.text.split('\n').find((l) => l.startsWith(`xid=${x} `));
      assert.ok(line, `xid ${x} of ${other}'s partition rows is in the report`);
      assert.match(line, new RegExp(`outcome=committed .*relations=(\\S*,)?\\d+/\\d+/${filenode}(,|\\s)`), `it names pgbeat_rows (filenode ${filenode})`);
    }
    assert.match(reports[0]!.text, /^# transactions: 5 \(5 committed/m);
    assert.match(`${node(other).log()}${node(other).debugLog()}${operatorOut}`, /pg_rewind of \/var\/lib\/pgbeat-lab\/data from \S+ done/, `${other}'s log mentions the rewind`);
  });

  it('sync_mode=fallback: after the primary node dies, the standby\'s start is refused (not known to be a synchronous standby) and the VIP is not taken', async () => {
    ensureInstalled();
    const survivor = primaries()[0];
    assert.ok(survivor, 'a primary from the previous test');
    const victim = survivor;
    const standby = victim === 'hba' ? 'hbb' : 'hba';
    for (const { name } of NODES) node(name).writeHaresources(haresources('fallback'));
    // ResourceManager re-reads haresources at every call; the running primary keeps its settings
    // (heartbeat runs no monitor). The standby streams from it.
    assert.ok(await waitUntil(() => streamsFrom(victim, standby), { timeoutMs: 20_000 }), diagnose());
    const port = `p${NODES.findIndex((n) => n.name === victim)}`;
    const from = node(standby).log().length;
    const fromDebug = node(standby).debugLog().length;
    const since = (): string => node(standby).log().slice(from);
    const t0 = Date.now();
    // Power cut: switch port down (the dead node's addresses stop answering), PID 1 SIGKILLed.
    ip('-n', lab!.switchNs, 'link', 'set', port, 'down');
    await node(victim).kill();
    const refused = await waitUntil(() => /not known to be a synchronous standby/.test(`${since()}${node(standby).debugLog().slice(fromDebug)}`), { timeoutMs: 40_000, stepMs: 250 });
    assert.ok(refused, `no refusal on ${standby}:\n${node(standby).logs(80)}`);
    console.log(`# fallback: ${standby} refused ${Date.now() - t0} ms after ${victim}'s node died`);
    assert.match(node(standby).debugLog().slice(fromDebug), /ocf-exit-reason:Refusing to promote \w+: we were not known to be a synchronous standby/);
    // The group's start failed: heartbeat gives the whole group up (right to left), the VIP included.
    const givenUp = await waitUntil(() => /Giving up resources due to failure of pgbeat-postgresql::/.test(since()) && /pgbeat-IPaddr \S+ stop/.test(since()) && !hasVip(standby), { timeoutMs: 20_000, stepMs: 250 });
    console.log(`# ${standby} heartbeat after ${victim}'s death:\n${since().split('\n').filter((l) => /is dead|STONITH|Giving up|Acquiring|Running .* (start|stop)|Adding|Removing|not known/.test(l)).map((l) => `#   ${l}`).join('\n')}`);
    assert.ok(givenUp, `the group was not given up, or the VIP stayed:\n${node(standby).logs(80)}`);
    assert.match(since(), new RegExp(`node ${victim}: is dead`));
    // With the VIP first in the group it is added before PostgreSQL's start is refused, then removed.
    const at = (re: RegExp): number => since().search(re);
    assert.ok(at(/pgbeat-IPaddr \S+ start/) < at(/not known to be a synchronous standby/), 'IPaddr started first');
    assert.ok(at(/not known to be a synchronous standby/) < at(/pgbeat-IPaddr \S+ stop/), 'and was stopped after the refusal');
    assert.ok(!hasVip(standby), 'the VIP is not held by the standby whose start was refused');
    assert.equal(inRecovery(standby), 't', 'it is still a standby');
  });
});
