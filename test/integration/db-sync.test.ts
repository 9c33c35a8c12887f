// The db_sync agent against real PostgreSQL 15 servers and a real rsync daemon on loopback ports: copies
// made under a concurrent write load start cleanly and hold a consistent state with every row committed
// before the run; refusals (wrong direction, another cluster, a running target), the lock, faults
// (unreachable peer, wrong secret, full disk, killed rsync) each leave the last good copy as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { callAgentAsync, digestSql, runWithSyslog, prepareLoadTables, readCopy, startLoad, startRsyncDaemon, startSshd, type RsyncDaemon, type Sshd } from '../helpers/db-sync.ts';
import { cleanupAllPg, createPrimary, createStandby, freePort, PG_USER, pgTools, waitFor, type PgInstance } from '../helpers/pg.ts';
import { run } from '../../lib/exec/io/run.ts';
import { pgCtl } from '../../lib/pg/io/pg-ctl.ts';
import { processAlive } from '../../lib/pg/io/postmaster.ts';

const AGENT = agentPath('db_sync');

/** PIDs of processes whose argv contains `word` (to find the rsync a run started). */
const pidsWith = (word: string): number[] =>
  readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      return argv[0] === 'rsync' && argv.some((a) => a.includes(word)) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });

/** A fingerprint of a directory tree: every path with its size, mtime and (for pg_control) content hash. */
const fingerprint = (dir: string): string => {
  const lines: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else lines.push(`${p.slice(dir.length)} ${st.size} ${st.mtimeMs} ${st.ino}`);
    }
  };
  walk(dir);
  lines.push(createHash('sha256').update(readFileSync(join(dir, 'global', 'pg_control'))).digest('hex'));
  return lines.join('\n');
};

describe('db_sync agent', () => {
  let src: PgInstance;
  let work: string;
  let daemon: RsyncDaemon;
  let sshd: Sshd | undefined;

  const base = (target: string): Record<string, string> => ({
    source_host: '127.0.0.1',
    source_port: String(src.port),
    target_dir: target,
    state_dir: join(work, 'state'),
  });
  const rsyncParams = (target: string): Record<string, string> => ({
    ...base(target), method: 'rsync', rsync_module: daemon.module, rsync_port: String(daemon.port),
    rsync_user: daemon.user, rsync_password_file: daemon.passwordFile,
  });
  const env = (): Record<string, string> => ({ HA_RSCTMP: join(work, 'rsctmp') });
  const call = (action: string, params: Record<string, string>, args?: string[]) =>
    callAgent(AGENT, action, params, { extraEnv: env(), timeoutMs: 180_000, args });
  const state = (target: string): { lastGood?: { bytesMoved: number; sizeBytes: number; finishedAt: number }; lastRun?: { ok: boolean; reason: string } } => {
    const key = target.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
    return JSON.parse(readFileSync(join(work, 'state', `${key}.state`), 'utf8'));
  };

  /** One `run` under the write load; returns the copy's contents and the rows committed before it. */
  const syncUnderLoad = async (params: Record<string, string>): Promise<{ before: number; copy: Awaited<ReturnType<typeof readCopy>>; stderr: string }> => {
    const load = await startLoad(src, work);
    let r;
    let before: number;
    try {
      before = Number(await src.sql('SELECT max(id) FROM t'));
      r = await callAgentAsync(AGENT, 'run', params, env()).done;
    } finally {
      await load.stop();
    }
    assert.equal(r.code, 0, `run failed: ${r.stderr}`);
    const copy = await readCopy(params['target_dir']!);
    return { before, copy, stderr: r.stderr };
  };

  const assertConsistent = async (c: { before: number; copy: Awaited<ReturnType<typeof readCopy>> }): Promise<void> => {
    assert.ok(c.copy.maxId >= c.before, `the copy ends at id ${c.copy.maxId}, before the ${c.before} committed ahead of the run`);
    assert.equal(String(c.copy.rows), await src.sql(`SELECT count(*) FROM t WHERE id <= ${c.copy.maxId}`), 'the copy has every row the source has up to its last id');
    assert.equal(c.copy.balanceSum, 0, 'balances sum to 0 as in every committed state');
    assert.equal(c.copy.digest, await src.sql(digestSql(c.copy.maxId)), 'the copy holds the same rows as the source up to its last id');
  };

  before(async () => {
    assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
    work = mkdtempSync(join(tmpdir(), 'pgbeat-dbsync-'));
    chmodSync(work, 0o755);
    src = await createPrimary({ name: 'src', listen: '127.0.0.1', settings: { wal_keep_size: "'32MB'" } });
    await prepareLoadTables(src, 100_000);
    daemon = await startRsyncDaemon(src.dataDir, work);
  });

  after(async () => {
    await daemon?.stop();
    await sshd?.stop();
    await cleanupAllPg();
    if (work) {
      await run('umount', [join(work, 'tiny')], { timeoutMs: 10_000 });
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('basebackup: a run under write load gives a copy that starts and holds every row committed before it', async () => {
    const target = join(work, 'bb', 'data');
    await run('mkdir', ['-p', join(work, 'bb')], { timeoutMs: 5_000 });
    const c = await syncUnderLoad({ ...base(target), method: 'basebackup' });
    await assertConsistent(c);
    const s = state(target);
    assert.ok(s.lastGood && s.lastGood.sizeBytes > 10_000_000, 'the state file records the copy and its size');
    assert.equal(s.lastRun?.ok, true);
    // A second run replaces the copy; the previous one is proven older and removed.
    const again = await syncUnderLoad({ ...base(target), method: 'basebackup' });
    await assertConsistent(again);
    assert.ok(again.copy.maxId > c.copy.maxId);
    assert.ok(!existsSync(`${target}.db_sync-old`) && !existsSync(`${target}.db_sync-new`));
  });

  it('rsync: a full then an incremental run under write load give consistent copies; the second moves far less', async () => {
    const target = join(work, 'rs', 'data');
    await run('mkdir', ['-p', join(work, 'rs')], { timeoutMs: 5_000 });
    const full = await syncUnderLoad(rsyncParams(target));
    await assertConsistent(full);
    const first = state(target).lastGood!;
    const inc = await syncUnderLoad(rsyncParams(target));
    await assertConsistent(inc);
    assert.ok(inc.copy.maxId > full.copy.maxId);
    const second = state(target).lastGood!;
    assert.ok(second.bytesMoved < first.bytesMoved / 3, `incremental moved ${second.bytesMoved} bytes vs ${first.bytesMoved} for the full copy`);
  });
  it('rsync over ssh (a private sshd, key login as postgres): full and incremental copies are consistent; a refused key fails with the reason', async () => {
    sshd = await startSshd(work);
    const target = join(work, 'overssh', 'data');
    mkdirSync(join(work, 'overssh'));
    const params = { ...base(target), method: 'rsync', rsync_host: '127.0.0.1', rsync_ssh_path: src.dataDir, rsync_ssh_command: sshd.sshCommand };
    const full = await syncUnderLoad(params);
    await assertConsistent(full);
    const first = state(target).lastGood!;
    const inc = await syncUnderLoad(params);
    await assertConsistent(inc);
    assert.ok(inc.copy.maxId > full.copy.maxId);
    assert.ok(state(target).lastGood!.bytesMoved < first.bytesMoved / 3, 'the incremental run over ssh moves far less');
    const before = fingerprint(target);
    const refused = call('run', { ...params, rsync_ssh_command: sshd.wrongKeyCommand });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.reason ?? '', /rsync of the data directory failed: the remote shell \(ssh\) failed/);
    assert.equal(refused.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1);
    assert.equal(fingerprint(target), before, 'the copy is untouched');
  });

  it('lock: a second run while one is going on skips and says so; the first completes', async () => {
    const target = join(work, 'lk', 'data');
    mkdirSync(join(work, 'lk'));
    const first = callAgentAsync(AGENT, 'run', { ...rsyncParams(target), rsync_bwlimit: '8000' }, env());
    const lockFile = join(work, 'state', `${target.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
    await waitFor('the first run to take the lock', () => existsSync(lockFile), 15_000);
    const second = call('run', rsyncParams(target));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /locked, sync already active \(PID \d+\)/);
    assert.equal(second.reason, undefined);
    const r = await first.done;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(lockFile), 'the lock is released');
  });

  it('a run killed half-way (rsync SIGKILLed) fails with a reason and leaves the previous copy as it was, startable', async () => {
    const target = join(work, 'rs', 'data');
    const before = fingerprint(target);
    // About 30 MB new since the last copy: at 4 MB/s the run is still copying when its rsync is killed.
    await src.sql("CREATE TABLE bulk AS SELECT g, repeat(md5(g::text), 8) AS v FROM generate_series(1, 100000) g");
    const running = callAgentAsync(AGENT, 'run', { ...rsyncParams(target), rsync_bwlimit: '4000' }, env());
    const [pid] = await waitFor('the copy\'s rsync to run', () => {
      const pids = pidsWith(`${target}.db_sync-new/`);
      return pids.length ? pids : undefined;
    }, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid!, 'SIGKILL');
    const r = await running.done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /rsync of the data directory failed.*killed by SIGKILL.*previous copy in .* is unchanged/);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1);
    assert.equal(fingerprint(target), before, 'the previous copy\'s files are untouched');
    assert.ok(!existsSync(`${target}.db_sync-new`), 'the unfinished copy is removed');
    const copy = await readCopy(target);
    assert.equal(String(copy.rows), await src.sql(`SELECT count(*) FROM t WHERE id <= ${copy.maxId}`));
    assert.equal(copy.balanceSum, 0);
    assert.equal(state(target).lastRun?.ok, false);
  });

  it('bad input and faults: one reason each, the right code, the copy untouched', async () => {
    const target = join(work, 'rs', 'data');
    const before = fingerprint(target);
    const unknown = call('run', { ...base(target), method: 'rsink' });
    assert.equal(unknown.code, 6);
    assert.match(unknown.reason ?? '', /Invalid parameter method='rsink': unknown method, use one of basebackup, rsync/);
    assert.equal(unknown.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1);

    const port = await freePort();
    const unreachable = call('run', { ...rsyncParams(target), source_port: String(port) });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.reason ?? '', new RegExp(`Cannot reach the source: Cannot connect to PostgreSQL at 127.0.0.1:${port}`));

    const wrong = join(work, 'wrong.pass');
    writeFileSync(wrong, 'not-the-secret\n', { mode: 0o600 });
    const secret = call('run', { ...rsyncParams(target), rsync_password_file: wrong });
    assert.equal(secret.code, 6, secret.stderr);
    assert.match(secret.reason ?? '', /the rsync daemon refused us \(wrong module, user or password\)/);
    assert.doesNotMatch(secret.stderr, /Traceback|failed unexpectedly|\n\s+at /);
    assert.equal(fingerprint(target), before);
    assert.ok(!existsSync(`${target}.db_sync-new`));
  });

  it('target disk full: the run fails naming the disk, removes its unfinished copy and creates nothing else', async () => {
    const tiny = join(work, 'tiny');
    mkdirSync(tiny);
    const m = await run('mount', ['-t', 'tmpfs', '-o', 'size=12m,mode=755', 'dbsync-tiny', tiny], { timeoutMs: 10_000 });
    assert.ok(!m.failed, `mount: ${m.stderr}`);
    const target = join(tiny, 'data');
    const r = call('run', { ...rsyncParams(target) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /the target disk is full \(No space left on device\)/);
    assert.deepEqual(readdirSync(tiny), [], 'nothing is left on the full disk');
  });

  it('source not backup-capable: a standby as source, and a source with wal_level=minimal, are refused', async () => {
    const sb = await createStandby(src, { name: 'sb' });
    const target = join(work, 'rs', 'data');
    const before = fingerprint(target);
    const r = call('run', { ...base(target), method: 'basebackup', source_host: sb.socketDir, source_port: String(sb.port) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /Refusing to sync: source .* is in recovery \(a standby\), copies are taken from the primary only/);
    assert.equal(fingerprint(target), before);
    await sb.cleanup();
    // A source that cannot make an online backup at all: wal_level=minimal.
    const minimal = await createPrimary({ name: 'minimal', settings: { wal_level: 'minimal', max_wal_senders: '0', wal_keep_size: '0' } });
    const m = call('run', { ...rsyncParams(target), source_host: minimal.socketDir, source_port: String(minimal.port), rsync_host: '127.0.0.1' });
    assert.equal(m.code, 6, m.stderr);
    assert.match(m.reason ?? '', /source .* has wal_level=minimal and cannot make an online backup/);
    assert.equal(fingerprint(target), before);
    await minimal.cleanup();
  });

  it('direction: a target that was promoted and written to is refused while running and after, its files unchanged', async () => {
    const target = join(work, 'bb', 'data');
    const sock = join(work, 'bb', 'sock');
    mkdirSync(sock);
    await run('chown', ['-R', `${PG_USER}:${PG_USER}`, join(work, 'bb')], { timeoutMs: 10_000 });
    writeFileSync(join(target, 'standby.signal'), '');
    await run('chown', [`${PG_USER}:${PG_USER}`, join(target, 'standby.signal')], { timeoutMs: 5_000 });
    const port = await freePort();
    const ctl = pgCtl(pgTools, target);
    const started = await ctl.start({ timeoutMs: 60_000, logFile: join(work, 'bb', 'log'), options: `-p ${port} -c listen_addresses='' -c unix_socket_directories='${sock}'` });
    assert.ok(!started.failed, started.stderr);
    try {
      assert.ok(!(await ctl.promote({ timeoutMs: 30_000 })).failed);
      const psql = ['-X', '-qAt', '-h', sock, '-p', String(port), '-d', 'postgres', '-c', "INSERT INTO t (v) VALUES ('written on the promoted copy')"];
      const w = await run('/usr/lib/postgresql/15/bin/psql', psql, { timeoutMs: 20_000, user: PG_USER, cwd: '/' });
      assert.ok(!w.failed, w.stderr);
      const live = call('run', { ...base(target), method: 'basebackup' });
      assert.equal(live.code, 1, live.stderr);
      assert.match(live.reason ?? '', /Refusing to sync: a postmaster \(PID \d+\) runs on target .* it is live, not a copy \(source 127\.0\.0\.1:\d+\)/);
      assert.ok(!existsSync(`${target}.db_sync-new`));
    } finally {
      await ctl.stop({ deadlineMs: 30_000 });
    }
    const before = fingerprint(target);
    const r = call('run', { ...base(target), method: 'basebackup' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.reason ?? '', /Refusing to sync: target .* \(system \d+, timeline 2, checkpoint [0-9A-F/]+\) is on a newer timeline than source 127\.0\.0\.1:\d+ \(system \d+, timeline 1, /);
    assert.equal(fingerprint(target), before, 'the promoted copy\'s files are unchanged');
    // Another cluster's data directory is refused the same way.
    const other = await createPrimary({ name: 'other' });
    await other.stop();
    const foreign = call('run', { ...base(other.dataDir), method: 'basebackup' });
    assert.equal(foreign.code, 2, foreign.stderr);
    assert.match(foreign.reason ?? '', /belongs to another cluster than source/);
    await other.cleanup();
  });

  it('OCF: start launches the supervisor (v1 form too), monitor follows the copy age, stop ends it by PID', async () => {
    const target = join(work, 'ocf', 'data');
    mkdirSync(join(work, 'ocf'));
    const params = { ...rsyncParams(target), interval: '2', max_age: '60' };
    assert.equal(call('monitor', params).code, 7, 'a probe before start: not running');
    const started = call('start', {}, [src.socketDir.length ? '127.0.0.1' : '', target, ...Object.entries(params).filter(([k]) => k !== 'source_host' && k !== 'target_dir').map(([k, v]) => `${k}=${v}`)]);
    assert.equal(started.code, 0, started.stderr);
    await waitFor('the first copy', () => existsSync(join(target, 'backup_label')), 30_000);
    assert.equal(call('monitor', params).code, 0);
    const rsctmp = join(work, 'rsctmp');
    const record = readdirSync(rsctmp).find((f) => f.includes('ocf_data'))!;
    const pid = Number(readFileSync(join(rsctmp, record), 'utf8').split(' ')[0]);
    assert.ok(processAlive(pid));
    assert.equal(call('start', params).code, 0, 'start is idempotent');
    const stopped = call('stop', params);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(!processAlive(pid), 'the supervisor is gone');
    assert.equal(call('monitor', params).code, 7);
    assert.ok(!existsSync(`${target}.db_sync-new`) && existsSync(join(target, 'global', 'pg_control')));
    // interval=0: no supervisor; monitor fails once the copy is older than max_age.
    const once = { ...params, interval: '0', max_age: '1' };
    assert.equal(call('start', once).code, 0);
    await new Promise((r) => setTimeout(r, 2_200));
    const old = call('monitor', once);
    assert.equal(old.code, 1);
    assert.match(old.reason ?? '', /the last good copy is \d+ s old \(rsync from 127\.0\.0\.1:\d+, \d+ bytes, \d+ moved in \d+ s\), older than max_age=1/);
    assert.equal(call('stop', once).code, 0);
  });
  it('pg_dump and pg_dumpall: under write load the target server gets every committed row and the large object; pg_dumpall the role too', async () => {
    await src.sql(`CREATE ROLE app_reader LOGIN;
      CREATE TABLE docs (id int PRIMARY KEY, blob oid);
      INSERT INTO docs VALUES (1, lo_from_bytea(0, convert_to('large object contents', 'UTF8')));
      GRANT SELECT ON t TO app_reader;`);
    const tgt = await createPrimary({ name: 'tgt' });
    const params = (method: string): Record<string, string> => ({
      ...base(tgt.dataDir), method, target_host: tgt.socketDir, target_port: String(tgt.port), databases: 'postgres',
    });
    const check = async (before: number): Promise<void> => {
      const maxId = Number(await tgt.sql('SELECT max(id) FROM t'));
      assert.ok(maxId >= before, `the target ends at id ${maxId}, before the ${before} committed ahead of the run`);
      assert.equal(await tgt.sql(`SELECT count(*) FROM t WHERE id <= ${maxId}`), await src.sql(`SELECT count(*) FROM t WHERE id <= ${maxId}`));
      assert.equal(await tgt.sql(digestSql(maxId)), await src.sql(digestSql(maxId)));
      assert.equal(await tgt.sql('SELECT sum(bal) FROM acct'), '0');
      assert.equal(await tgt.sql("SELECT convert_from(lo_get(blob), 'UTF8') FROM docs WHERE id = 1"), 'large object contents');
    };
    for (const method of ['pg_dump', 'pg_dumpall']) {
      const load = await startLoad(src, work);
      let before: number;
      let r;
      try {
        before = Number(await src.sql('SELECT max(id) FROM t'));
        r = await callAgentAsync(AGENT, 'run', params(method), env()).done;
      } finally {
        await load.stop();
      }
      assert.equal(r.code, 0, r.stderr);
      await check(before);
    }
    assert.equal(await tgt.sql("SELECT rolname FROM pg_roles WHERE rolname = 'app_reader'"), 'app_reader', 'pg_dumpall copied the role');
    assert.equal(await tgt.sql("SELECT has_table_privilege('app_reader', 't', 'SELECT')"), 't', 'and the privileges with it');
    assert.equal(state(tgt.dataDir).lastGood !== undefined, true);
    // Restoring into the source itself would drop its objects: refused.
    const self = call('run', { ...params('pg_dump'), target_host: src.socketDir, target_port: String(src.port) });
    assert.equal(self.code, 1, self.stderr);
    assert.match(self.reason ?? '', /Refusing to restore into target .*: it is the source cluster 127\.0\.0\.1:\d+ itself or a physical copy of it/);
    await tgt.cleanup();
  });
  it('pull_on_start: start pulls a copy first; with the source down it keeps the copy it has and starts', async () => {
    const target = join(work, 'pull', 'data');
    mkdirSync(join(work, 'pull'));
    const params = { ...rsyncParams(target), interval: '0', pull_on_start: 'true' };
    const started = call('start', params);
    assert.equal(started.code, 0, started.stderr);
    assert.ok(existsSync(join(target, 'backup_label')), 'the pull made a copy before start returned');
    assert.equal(call('stop', params).code, 0);
    const before = fingerprint(target);
    const down = call('start', { ...params, source_port: String(await freePort()) });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /pull_on_start: Cannot reach the source: .*; starting with the copy this node has/);
    assert.equal(fingerprint(target), before);
    assert.equal(call('stop', params).code, 0);
  });

  it('a one-shot run on a terminal shows bytes, rate and ETA', () => {
    const target = join(work, 'tty', 'data');
    mkdirSync(join(work, 'tty'));
    const vars = Object.entries({ ...rsyncParams(target), rsync_bwlimit: '20000' }).map(([k, v]) => `OCF_RESKEY_${k}=${v}`);
    const r = spawnSync('script', ['-qec', ['env', ...vars, AGENT, 'run'].join(' '), '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /db_sync: [\d.]+ [KMG]iB of [\d.]+ [KMG]iB \(\d+%\), [\d.]+ [KMG]?i?B\/s(, ETA \d+:\d\d)?/);
  });

  it('ocf-tester passes', () => {
    const shared = mkdtempSync(join(tmpdir(), 'pgbeat-ocft-dbsync-'));
    chmodSync(shared, 0o755);
    const agent = join(shared, 'db_sync');
    copyFileSync(AGENT, agent);
    chmodSync(agent, 0o755);
    const target = join(work, 'ocft', 'data');
    mkdirSync(join(work, 'ocft'));
    const opts = Object.entries({ ...rsyncParams(target), interval: '5', max_age: '60' }).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
    const r = spawnSync('timeout', ['300', 'ocf-tester', '-n', 'dbsynctest', ...opts, agent], { encoding: 'utf8', timeout: 320_000 });
    rmSync(shared, { recursive: true, force: true });
    const out = r.stdout + r.stderr;
    assert.match(out, /Beginning tests for/);
    assert.equal(r.status, 0, out);
    assert.match(out, /passed all tests/);
  });
  it('wal_archive: a restore point plus the shipped segments restore every row committed before the last segment; a new restore point cleans the archive', async () => {
    const target = join(work, 'wa', 'data');
    const archive = `${target}.wal`;
    mkdirSync(join(work, 'wa'));
    const params = { ...base(target), method: 'wal_archive', base_interval: '3600' };
    const first = call('run', params);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(join(target, 'standby.signal')), 'the restore point is a warm standby');
    assert.match(readFileSync(join(target, 'postgresql.auto.conf'), 'utf8'), new RegExp(`restore_command = 'cp ${archive}/%f "%p"'`));
    await src.sql("INSERT INTO t (v) SELECT 'archived' FROM generate_series(1, 1000)");
    const want = await src.sql('SELECT count(*) FROM t');
    await src.sql('SELECT pg_switch_wal()');
    const second = call('run', params);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /wal_archive shipped [1-9]\d* files/);
    const copy = await readCopy(target, [], { sql: 'SELECT count(*) FROM t', want });
    assert.equal(String(copy.rows), want, 'the restore point replayed the archive up to the last shipped segment');
    assert.equal(copy.balanceSum, 0);
    const oldest = readdirSync(archive).filter((f) => /^[0-9A-F]{24}$/.test(f)).sort()[0]!;
    await src.sql('SELECT pg_switch_wal()');
    const third = call('run', { ...params, base_interval: '0' });
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /a new restore point: the restore point is \d+ s old \(base_interval=0\)/);
    assert.ok(!existsSync(join(archive, oldest)), `${oldest}, older than the new restore point, is removed`);
  });
  it('a former primary: a copy that went on past the point where the source left its timeline is refused; one from before is replaced', async () => {
    // sb forks from src: promoted, it opens timeline 2 at the fork point; src goes on writing on timeline 1.
    const sb = await createStandby(src, { name: 'fork', settings: { listen_addresses: "'127.0.0.1'" } });
    const early = join(work, 'early', 'data');
    mkdirSync(join(work, 'early'));
    assert.equal(call('run', { ...base(early), method: 'basebackup' }).code, 0, 'a copy of src before the fork');
    await src.sql("INSERT INTO t (v) VALUES ('before the fork')");
    await waitFor('the standby to replay', async () => (await sb.sql("SELECT count(*) FROM t WHERE v = 'before the fork'")) === '1');
    assert.ok(!(await sb.ctl.promote({ timeoutMs: 30_000 })).failed);
    await sb.sql('CHECKPOINT');
    await src.sql("INSERT INTO t (v) VALUES ('only on the old primary'); CHECKPOINT");
    const late = join(work, 'late', 'data');
    mkdirSync(join(work, 'late'));
    assert.equal(call('run', { ...base(late), method: 'basebackup' }).code, 0, 'a copy of src after the fork');
    const fromFork = (target: string): Record<string, string> => ({ ...base(target), method: 'basebackup', source_host: '127.0.0.1', source_port: String(sb.port) });
    const before = fingerprint(late);
    const refused = call('run', fromFork(late));
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.reason ?? '', /Refusing to sync: target .*timeline 1, .* went on past [0-9A-F]+\/[0-9A-F]+, where source 127\.0\.0\.1:\d+ .* left timeline 1: it holds transactions the source never saw/);
    assert.equal(fingerprint(late), before, 'the former primary\'s copy is unchanged');
    const replaced = call('run', fromFork(early));
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(state(early).lastGood?.sizeBytes !== undefined, true);
    await sb.cleanup();
  });

  it('the copy that is the running source itself: a run says there is nothing to copy and exits 0', () => {
    const r = call('run', { ...base(src.dataDir), method: 'rsync', rsync_module: daemon.module, rsync_port: String(daemon.port), rsync_user: daemon.user, rsync_password_file: daemon.passwordFile });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Nothing to copy: .* is the running source 127\.0\.0\.1:\d+ itself \(postmaster PID \d+\); this node holds the primary/);
  });

  it('stop during a copy: the supervisor aborts it cleanly, the previous copy stays', async () => {
    const target = join(work, 'rs', 'data');
    const before = fingerprint(target);
    await src.sql("CREATE TABLE bulk2 AS SELECT g, repeat(md5(g::text), 8) AS v FROM generate_series(1, 100000) g");
    const params = { ...rsyncParams(target), rsync_bwlimit: '3000', interval: '300', max_age: '900' };
    assert.equal(call('start', params).code, 0);
    await waitFor('the supervisor\'s rsync to run', () => pidsWith(`${target}.db_sync-new/`).length > 0 || undefined, 15_000);
    const stopped = call('stop', params);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(pidsWith(`${target}.db_sync-new/`).length, 0, 'no rsync left');
    assert.ok(!existsSync(`${target}.db_sync-new`), 'the unfinished copy is removed');
    assert.equal(fingerprint(target), before);
    const lockFile = join(work, 'state', `${target.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
    assert.ok(!existsSync(lockFile), 'the lock is released');
  });
  it('syslog: runs log as db_sync at daemon.notice, failures at daemon.err (the seed\'s logger lines)', async () => {
    const target = join(work, 'rs', 'data');
    const ok = await runWithSyslog(AGENT, 'run', rsyncParams(target), /db_sync: sync done/);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.syslog, /<29>.* db_sync: sync done: rsync from 127\.0\.0\.1:\d+ into /, 'daemon.notice is <29>');
    const bad = await runWithSyslog(AGENT, 'run', { ...rsyncParams(target), source_port: String(await freePort()) }, /db_sync: Cannot reach/);
    assert.equal(bad.code, 1);
    assert.match(bad.syslog, /<27>.* db_sync: Cannot reach the source: /, 'daemon.err is <27>');
  });
});
