// test: exclusive (installs the agents and runs cluster daemons)
// README recipe 1, the seed's cold standby, under two real heartbeat 3.0.6 daemons (v1 haresources),
// with the INSTALLED agents: the group is db_sync (startup pull), the VIP, then the postgresql agent
// with stop_as=stopped. Each node is a lab network namespace plus its own mount, UTS and PID
// namespaces (test/helpers/heartbeat-cluster.ts) with its data directory at the same path. hba takes
// the group; on hbb, `pgbeat-db_sync ... run` (the cron line, method=basebackup) makes the copy; then
// hba loses power (its switch port goes down, its PID 1 is killed): hbb's heartbeat takes the group over, db_sync's pull finds
// nothing at the VIP and keeps the copy, and the postgresql agent starts the copy as primary on a new
// timeline with every row committed before the copy. Needs root, heartbeat and postgresql-15.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HA_RESOURCE_DIR, installIntoSystem } from '../helpers/install.ts';
import { addressesOf, createLab, ip, type Lab } from '../helpers/netns.ts';
import { HEARTBEAT, makeHbNode, type HbNode } from '../helpers/heartbeat-cluster.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { prepareLabPostgres } from '../helpers/lab-postgres.ts';

const NIC = 'eth0';
const VIP = '192.0.2.100';
const LAB_DIR = '/var/lib/pgbeat-lab';
const PGDATA = `${LAB_DIR}/data`;
const SOCKET_DIR = '/var/run/pgbeat-lab';
const NODES = [
  { name: 'hba', address: '192.0.2.1' },
  { name: 'hbb', address: '192.0.2.2' },
] as const;
const SYNC_SCRIPT = `${HA_RESOURCE_DIR}/pgbeat-db_sync`;
// state_dir inside the node's own LAB_DIR (the default, /var/lib/pgbeat, is the host's).
const syncArgs = [VIP, PGDATA, 'method=basebackup', `state_dir=${LAB_DIR}/db_sync`];
const pgArgs = [
  PGDATA, VIP, NODES.map((n) => `${n.name}=${n.address}`).join(','), `pghost=${SOCKET_DIR}`, 'repuser=replicator',
  'stop_as=stopped', 'sync_mode=off', `report_dir=${LAB_DIR}/log`,
];
const HARESOURCES = `# written by db-sync-heartbeat.test.ts\nhba pgbeat-db_sync::${[...syncArgs, 'pull_on_start=true', 'interval=0'].join('::')} pgbeat-IPaddr::${VIP}/24/${NIC} pgbeat-postgresql::${pgArgs.join('::')}`;
const HA_CF = [
  'keepalive 500ms', 'deadtime 3', 'warntime 2', 'initdead 6',
  ...NODES.map((n) => `ucast ${NIC} ${n.address}`),
  'auto_failback off',
  `node ${NODES.map((n) => n.name).join(' ')}`,
];

const missing = [HEARTBEAT, ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_basebackup'].map((b) => join(PG_BINDIR, b))].filter((f) => !existsSync(f));

let lab: Lab | undefined;
let install: ReturnType<typeof installIntoSystem> | undefined;
const temps: string[] = [];
const nodes = new Map<string, HbNode>();
const labDirs = new Map<string, string>();

const node = (name: string): HbNode => nodes.get(name)!;
const nsOf = (name: string): string => lab!.host(NODES.findIndex((n) => n.name === name));
const hasVip = (name: string): boolean => addressesOf(nsOf(name), NIC).includes(`${VIP}/24`);
const sql = (n: HbNode, text: string): string | undefined => {
  const r = n.run(['runuser', '-u', 'postgres', '--', join(PG_BINDIR, 'psql'), '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', SOCKET_DIR, '-p', '5432', '-d', 'postgres', '-c', text], { timeoutMs: 20_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const diagnose = (): string => NODES.map(({ name }) => `=== ${name} ===\n${node(name).logs(60)}`).join('\n');

describe('db_sync cold standby under two heartbeat 3.0.6 daemons (README recipe 1)', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  before(() => {
    install = installIntoSystem();
    lab = createLab(2, [[`${NODES[0].address}/24`], [`${NODES[1].address}/24`]], NIC);
    const dirs = prepareLabPostgres({ nodes: ['hba', 'hbb'], socketDir: SOCKET_DIR, clusterName: 'pgbeat_cold', subnet: '192.0.2.0/24', temps });
    for (const [name, dir] of dirs) labDirs.set(name, dir);
    NODES.forEach((n, i) => {
      const hb = makeHbNode({
        name: n.name, ns: lab!.host(i),
        binds: [{ source: labDirs.get(n.name)!, target: LAB_DIR }],
        runDirs: [{ path: SOCKET_DIR, owner: 'postgres:postgres', mode: '2775' }],
      }, temps);
      hb.configure(HA_CF, HARESOURCES);
      nodes.set(n.name, hb);
    });
  });

  after(async () => {
    const names = lab ? [lab.switchNs, lab.host(0), lab.host(1)] : [];
    try {
      for (const n of nodes.values()) {
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

  it('hba takes the group: db_sync finds nothing at the VIP and lets the group start, PostgreSQL runs there', async () => {
    await Promise.all([node('hba').start(), node('hbb').start()]);
    const up = await waitUntil(() => hasVip('hba') && sql(node('hba'), 'SELECT pg_is_in_recovery()') === 'f', { timeoutMs: 90_000, stepMs: 500 });
    assert.ok(up, `hba did not take the group:\n${diagnose()}`);
    assert.ok(await waitUntil(() => /Initial resource acquisition complete/.test(node('hba').log()), { timeoutMs: 30_000 }), node('hba').logs());
    assert.match(node('hba').log(), /pull_on_start: .*starting with the copy this node has/);
    assert.doesNotMatch(node('hba').log(), /Giving up resources due to failure/);
    assert.equal(sql(node('hba'), "CREATE TABLE cold (id int PRIMARY KEY, note text); INSERT INTO cold SELECT g, 'before the copy' FROM generate_series(1, 500) g"), '');
  });

  it('the cron line on hbb copies the primary through the VIP; hbb runs no PostgreSQL', () => {
    const r = node('hbb').run([SYNC_SCRIPT, ...syncArgs, 'run'], { timeoutMs: 120_000 });
    assert.equal(r.status, 0, `${r.out}\n${diagnose()}`);
    assert.ok(existsSync(join(labDirs.get('hbb')!, 'data', 'backup_label')), 'the copy is a base backup not started yet');
    assert.equal(node('hbb').run([`${HA_RESOURCE_DIR}/pgbeat-postgresql`, ...pgArgs, 'status']).stdout, 'stopped\n');
    // On hba the same line finds its copy is the running source.
    const same = node('hba').run([SYNC_SCRIPT, ...syncArgs, 'run'], { timeoutMs: 60_000 });
    assert.equal(same.status, 0, same.out);
    assert.match(same.out, /is the running source .* itself/);
    assert.equal(sql(node('hba'), "INSERT INTO cold SELECT g, 'after the copy' FROM generate_series(501, 510) g"), '');
  });

  it('hba loses power: hbb takes the group over and starts its copy as primary on timeline 2 with every row before the copy', async () => {
    const t0 = Date.now();
    // Power cut: switch port down (hba's addresses, the VIP too, stop answering), PID 1 SIGKILLed.
    ip('-n', lab!.switchNs, 'link', 'set', 'p0', 'down');
    await node('hba').kill();
    const up = await waitUntil(() => hasVip('hbb') && sql(node('hbb'), 'SELECT pg_is_in_recovery()') === 'f', { timeoutMs: 120_000, stepMs: 500 });
    assert.ok(up, `hbb did not take the group over:\n${diagnose()}`);
    console.log(`# cold standby: hba killed -> hbb primary from its copy in ${Date.now() - t0} ms`);
    assert.equal(sql(node('hbb'), "SELECT count(*) FROM cold WHERE note = 'before the copy'"), '500');
    assert.equal(sql(node('hbb'), "SELECT count(*) FROM cold WHERE note = 'after the copy'"), '0', 'what hba committed after the copy is lost (the cold standby\'s RPO)');
    assert.equal(sql(node('hbb'), 'SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)'), '00000002', 'promoted onto a new timeline');
    const log = node('hbb').log();
    assert.match(log, /Acquiring resource group: hba pgbeat-db_sync::/);
    assert.match(log, /it is a copy not started yet \(backup from [0-9A-F/]+ on timeline 1\)/);
    assert.doesNotMatch(log, /Giving up resources due to failure/);
    assert.equal(sql(node('hbb'), "INSERT INTO cold VALUES (1000, 'written on hbb')"), '');
  });
});
