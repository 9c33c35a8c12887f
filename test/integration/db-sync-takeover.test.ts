// The seed's cold standby with our agents: db_sync keeps another data directory (the "other node",
// its own port) a copy of the running primary, and the postgresql agent's primitive start brings that
// copy up as primary once the source is gone: refused while the source still runs as primary (its
// peer), then recovered from the copy's own WAL and promoted onto a new timeline, with every row
// committed before the copy was made. Both copy methods that leave a data directory (rsync over the
// daemon protocol, basebackup); the second start is driven in heartbeat v1's form (status/start/stop).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { callAgentAsync, digestSql, prepareLoadTables, startLoad, startRsyncDaemon, type RsyncDaemon } from '../helpers/db-sync.ts';
import { cleanupAllPg, createPrimary, freePort, PG_BINDIR, PG_USER, type PgInstance } from '../helpers/pg.ts';
import { run } from '../../lib/exec/io/run.ts';
import { describeFailure } from '../../lib/exec/result.ts';

const DB_SYNC = agentPath('db_sync');
const POSTGRESQL = agentPath('postgresql');

/** The "other node": a data directory db_sync fills, with its own socket directory and port. */
interface OtherNode {
  name: string;
  dataDir: string;
  socketDir: string;
  port: number;
}

describe('cold standby: the postgresql agent starts a db_sync copy as primary', () => {
  let src: PgInstance;
  let work: string;
  let daemon: RsyncDaemon;
  let rs: OtherNode;
  let bb: OtherNode;
  /**
   * Per copy: the last id of t committed before its run began, the source's digest of the rows up to
   * it, and (read when the source is lost) the ids the source committed after it, in order.
   */
  const committed: Record<string, { before: number; digest: string; later?: string }> = {};

  const node = async (name: string): Promise<OtherNode> => {
    const dir = join(work, name);
    mkdirSync(join(dir, 'sock'), { recursive: true });
    // An empty data directory, as on a node where the package's cluster was emptied (README recipe 1).
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    await run('chown', [`${PG_USER}:${PG_USER}`, join(dir, 'sock'), join(dir, 'data')], { timeoutMs: 5_000 });
    return { name, dataDir: join(dir, 'data'), socketDir: join(dir, 'sock'), port: await freePort() };
  };
  const syncParams = (o: OtherNode, method: 'rsync' | 'basebackup'): Record<string, string> => ({
    source_host: '127.0.0.1', source_port: String(src.port), target_dir: o.dataDir, state_dir: join(work, 'state'), method,
    ...(method === 'rsync' ? { rsync_module: daemon.module, rsync_port: String(daemon.port), rsync_user: daemon.user, rsync_password_file: daemon.passwordFile } : {}),
  });
  // The copy carries the source's postgresql.conf: the other node's port and socket come as server options.
  const pgParams = (o: OtherNode): Record<string, string> => ({
    pgdata: o.dataDir, pghost: o.socketDir, pgport: String(o.port), node_name: o.name,
    peers: `src=127.0.0.1:${src.port}`, repuser: PG_USER, mode: 'primitive', stop_as: 'stopped',
    start_opts: `-cport=${o.port} -cunix_socket_directories=${o.socketDir} -clisten_addresses=127.0.0.1 -ccluster_name=pgbeat_copy_${o.name}`,
  });
  const pg = (o: OtherNode, action: string) =>
    callAgent(POSTGRESQL, action, pgParams(o), { extraEnv: { HA_RSCTMP: join(work, 'rsctmp') }, timeoutMs: 180_000 });
  const sql = async (o: OtherNode, text: string): Promise<string> => {
    const r = await run(join(PG_BINDIR, 'psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', o.socketDir, '-p', String(o.port), '-d', 'postgres', '-c', text], { timeoutMs: 30_000, user: PG_USER, cwd: '/' });
    if (r.failed) throw new Error(`SQL on ${o.name} failed: ${describeFailure(r)}`);
    return r.stdout.trim();
  };

  /** One db_sync run into `o` under a write load; records what was committed before it began. */
  const copyUnderLoad = async (o: OtherNode, method: 'rsync' | 'basebackup'): Promise<void> => {
    const load = await startLoad(src, work);
    try {
      const beforeId = Number(await src.sql('SELECT max(id) FROM t'));
      const r = await callAgentAsync(DB_SYNC, 'run', syncParams(o, method), { HA_RSCTMP: join(work, 'rsctmp') }).done;
      assert.equal(r.code, 0, `db_sync run (${method}) failed: ${r.stderr}`);
      committed[o.name] = { before: beforeId, digest: await src.sql(digestSql(beforeId)) };
    } finally {
      await load.stop();
    }
    assert.ok(existsSync(join(o.dataDir, 'backup_label')), `the ${method} copy is a base backup not started yet`);
    assert.ok(!existsSync(`${o.dataDir}.db_sync-old`), 'the empty directory the copy replaced is gone, so the next run is not blocked by it');
  };

  /** The copy runs as primary on the timeline after the source's and holds what was committed before its run. */
  const assertTakenOver = async (o: OtherNode): Promise<void> => {
    assert.equal(await sql(o, 'SELECT pg_is_in_recovery()'), 'f');
    assert.equal(await sql(o, 'SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)'), '00000002', 'promoted onto timeline 2');
    assert.ok(existsSync(join(o.dataDir, 'pg_wal', '00000002.history')));
    const c = committed[o.name]!;
    assert.equal(await sql(o, digestSql(c.before)), c.digest, 'every row committed before the copy began is there, unchanged');
    // Ids have gaps where the load was interrupted; the copy's later ids are a prefix of the source's.
    const later = await sql(o, `SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t WHERE id > ${c.before}`);
    assert.ok(c.later !== undefined && `${c.later},`.startsWith(later ? `${later},` : ''), `the rows after ${c.before} are the source's first ones (${later.split(',').length} of them), no hole`);
    assert.equal(await sql(o, 'SELECT sum(bal) FROM acct'), '0', 'balances sum to 0, as in every committed state');
    await sql(o, "INSERT INTO t (v) VALUES ('written after the takeover')");
  };

  before(async () => {
    assert.ok(existsSync(DB_SYNC) && existsSync(POSTGRESQL), 'the agents are missing: run npm run build first');
    work = mkdtempSync(join(tmpdir(), 'pgbeat-coldstandby-'));
    chmodSync(work, 0o755);
    src = await createPrimary({ name: 'src', listen: '127.0.0.1' });
    await prepareLoadTables(src, 20_000);
    daemon = await startRsyncDaemon(src.dataDir, work);
    rs = await node('rs');
    bb = await node('bb');
  });

  after(async () => {
    for (const o of [rs, bb]) {
      if (o && existsSync(join(o.dataDir, 'postmaster.pid'))) {
        await run(join(PG_BINDIR, 'pg_ctl'), ['-D', o.dataDir, 'stop', '-m', 'immediate', '-w'], { timeoutMs: 60_000, user: PG_USER, cwd: '/' });
      }
    }
    await daemon?.stop();
    await cleanupAllPg();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('db_sync makes both copies under a write load (rsync over the daemon protocol, basebackup)', async () => {
    await copyUnderLoad(rs, 'rsync');
    await copyUnderLoad(bb, 'basebackup');
  });

  it('start is refused while the source still runs as primary, and the copy is left as it was', () => {
    const label = readFileSync(join(rs.dataDir, 'backup_label'), 'utf8');
    const auto = readFileSync(join(rs.dataDir, 'postgresql.auto.conf'), 'utf8');
    const r = pg(rs, 'start');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /Refusing to start rs as primary from its copy: peer src is already a running primary on timeline 1/);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1);
    assert.equal(readFileSync(join(rs.dataDir, 'backup_label'), 'utf8'), label);
    assert.equal(readFileSync(join(rs.dataDir, 'postgresql.auto.conf'), 'utf8'), auto);
    assert.ok(!existsSync(join(rs.dataDir, 'standby.signal')) && !existsSync(join(rs.dataDir, 'postmaster.pid')));
    assert.equal(pg(rs, 'monitor').code, 7);
  });

  it('the source node is lost: start on the rsync copy recovers it, promotes it, and it holds every row', async () => {
    for (const o of [rs, bb]) {
      committed[o.name]!.later = await src.sql(`SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t WHERE id > ${committed[o.name]!.before}`);
    }
    await src.kill9();
    const r = pg(rs, 'start');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /it is a copy not started yet \(backup from [0-9A-F]+\/[0-9A-F]+ on timeline 1\)/);
    assert.match(r.stderr, /not compared: src \(unreachable\)/);
    assert.equal(pg(rs, 'monitor').code, 0);
    await assertTakenOver(rs);
    assert.equal(pg(rs, 'stop').code, 0);
    assert.equal(pg(rs, 'monitor').code, 7, 'stop_as=stopped: it stays down');
  });

  it('heartbeat v1 calls on the basebackup copy: status stopped, start, status running, stop', async () => {
    const p = pgParams(bb);
    const v1 = (action: string) => callAgent(POSTGRESQL, action, {}, {
      args: [bb.dataDir, '127.0.0.1', p['peers']!, `pghost=${bb.socketDir}`, `pgport=${bb.port}`, `node_name=${bb.name}`, `repuser=${PG_USER}`, 'stop_as=stopped', `start_opts=${p['start_opts']}`],
      extraEnv: { HA_RSCTMP: join(work, 'rsctmp') }, timeoutMs: 180_000,
    });
    assert.equal(v1('status').stdout.trim(), 'stopped');
    const started = v1('start');
    assert.equal(started.code, 0, started.stderr);
    assert.equal(v1('status').stdout.trim(), 'running');
    await assertTakenOver(bb);
    assert.equal(v1('stop').code, 0);
    assert.equal(v1('status').stdout.trim(), 'stopped');
  });

  it('the lost primary comes back: a db_sync run from the new primary into its data directory is refused, its files unchanged', async () => {
    assert.equal(pg(rs, 'start').code, 0, 'the copy that took over starts again (a cleanly stopped primary now)');
    const control = readFileSync(join(src.dataDir, 'global', 'pg_control'));
    const wal = readdirSync(join(src.dataDir, 'pg_wal')).join(',');
    const r = callAgent(DB_SYNC, 'run', { source_host: '127.0.0.1', source_port: String(rs.port), target_dir: src.dataDir, state_dir: join(work, 'state'), method: 'basebackup' },
      { extraEnv: { HA_RSCTMP: join(work, 'rsctmp') }, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /is a primary that stopped without a shutdown checkpoint \(crashed or killed\): its WAL may hold transactions past that checkpoint/);
    assert.deepEqual(readFileSync(join(src.dataDir, 'global', 'pg_control')), control);
    assert.equal(readdirSync(join(src.dataDir, 'pg_wal')).join(','), wal);
    assert.equal(pg(rs, 'stop').code, 0);
  });
});
