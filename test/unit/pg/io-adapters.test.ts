// The io adapters' logic with a recording runner in place of real programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandResult } from '../../../lib/exec/result.ts';
import type { Runner, RunOptions } from '../../../lib/exec/io/run.ts';
import { basebackupArgs } from '../../../lib/pg/io/basebackup.ts';
import { pgIsReady } from '../../../lib/pg/io/isready.ts';
import { pgCtl } from '../../../lib/pg/io/pg-ctl.ts';
import { rewindArgs } from '../../../lib/pg/io/rewind.ts';
import { findWalEnd, readWal } from '../../../lib/pg/io/waldump.ts';
import { PgToolError } from '../../../lib/pg/io/tool.ts';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { captured, fixture } from './fixture.ts';

type Call = { file: string; args: readonly string[]; opts: RunOptions };
const result = (over: Partial<CommandResult>): CommandResult => ({
  command: 'x', exitCode: 0, signal: undefined, stdout: '', stderr: '', failed: false, timedOut: false, notFound: false, durationMs: 1, ...over,
});
/** A runner answering each call with the next scripted result and recording the call. */
const scripted = (...answers: Partial<CommandResult>[]): { runner: Runner; calls: Call[] } => {
  const calls: Call[] = [];
  const runner: Runner = async (file, args, opts) => {
    calls.push({ file, args, opts });
    const a = answers.shift();
    if (!a) throw new Error(`unexpected call ${file} ${args.join(' ')}`);
    return result({ failed: (a.exitCode ?? 0) !== 0 || a.timedOut === true, ...a });
  };
  return { runner, calls };
};
const tools = (runner: Runner) => ({ bindir: '/pg/bin', user: 'postgres', runner });

test('pgCtl().stop() returns at once when no postmaster runs', async () => {
  const { runner, calls } = scripted();
  const out = await pgCtl(tools(runner), '/data', () => false).stop({ deadlineMs: 30_000 });
  assert.deepEqual([out.stopped, out.how, calls.length], [true, 'already-stopped', 0]);
});

test('pgCtl().stop() uses fast shutdown as the system user', async () => {
  const { runner, calls } = scripted({ exitCode: 0 });
  const out = await pgCtl(tools(runner), '/data', () => true).stop({ deadlineMs: 30_000 });
  assert.deepEqual([out.stopped, out.how], [true, 'fast']);
  assert.deepEqual(calls[0]!.args, ['-D', '/data', 'stop', '-m', 'fast', '-w', '-t', '10']);
  assert.deepEqual([calls[0]!.opts.user, calls[0]!.opts.cwd], ['postgres', '/']);
});

test('pgCtl().stop() escalates from fast to immediate early: fast gets a third of a short deadline, at most 10 s', async () => {
  const { runner, calls } = scripted({ exitCode: 1, stderr: 'pg_ctl: server does not shut down\n' }, { exitCode: 0 });
  const out = await pgCtl(tools(runner), '/data', () => true).stop({ deadlineMs: 20_000 });
  assert.deepEqual([out.stopped, out.how, out.attempts.length], [true, 'immediate', 2]);
  assert.deepEqual(calls[0]!.args, ['-D', '/data', 'stop', '-m', 'fast', '-w', '-t', '6']);
  assert.deepEqual(calls[1]!.args, ['-D', '/data', 'stop', '-m', 'immediate', '-w', '-t', '6']);
  const long = scripted({ exitCode: 1 }, { exitCode: 0 });
  await pgCtl(tools(long.runner), '/data', () => true).stop({ deadlineMs: 96_000 });
  assert.deepEqual([long.calls[0]!.args[7], long.calls[1]!.args[7]], ['10', '10'], 'the advised 120 s timeout: 10 s fast, 10 s immediate');
});

test('pgCtl().stop() counts a postmaster that died meanwhile as stopped, and reports one that survives', async () => {
  let alive = true;
  const died = scripted({ exitCode: 1 });
  const out = await pgCtl(tools(async (f, a, o) => { alive = false; return died.runner(f, a, o); }), '/data', () => alive).stop({ deadlineMs: 5_000 });
  assert.deepEqual([out.stopped, out.how], [true, 'fast']);
  const { runner } = scripted({ exitCode: 1 }, { exitCode: 1, timedOut: true });
  const stuck = await pgCtl(tools(runner), '/data', () => true).stop({ deadlineMs: 2_000 });
  assert.deepEqual([stuck.stopped, stuck.how, stuck.attempts.length], [false, 'failed', 2]);
});

test('pgCtl() start/promote/status pass -w, timeouts and the log file', async () => {
  const { runner, calls } = scripted({ exitCode: 0 }, { exitCode: 0 }, { exitCode: 0, stdout: 'pg_ctl: server is running (PID: 4242)\n/usr/bin/postgres "-D" "/data"\n' });
  const ctl = pgCtl(tools(runner), '/data', () => true);
  await ctl.start({ timeoutMs: 60_000, logFile: '/var/log/pg.log', options: '-c config_file=/etc/pg.conf' });
  await ctl.promote({ timeoutMs: 30_500 });
  const st = await ctl.status();
  assert.deepEqual(calls[0]!.args, ['-D', '/data', 'start', '-w', '-t', '60', '-l', '/var/log/pg.log', '-o', '-c config_file=/etc/pg.conf']);
  assert.equal(calls[0]!.opts.timeoutMs, 65_000);
  assert.deepEqual(calls[1]!.args, ['-D', '/data', 'promote', '-w', '-t', '30']);
  assert.deepEqual([st.running, st.pid], [true, 4242]);
  assert.equal(calls[0]!.file, '/pg/bin/pg_ctl');
});

test('pgIsReady() maps exit codes 0-3 and throws on anything else', async () => {
  for (const code of [0, 1, 2, 3] as const) {
    const { runner, calls } = scripted({ exitCode: code });
    assert.equal((await pgIsReady(tools(runner), { host: '/run/pg', port: 5433, timeoutS: 2 })).code, code);
    assert.deepEqual(calls[0]!.args, ['-q', '-h', '/run/pg', '-p', '5433', '-t', '2', '-d', 'postgres', '-U', 'postgres']);
    assert.equal(calls[0]!.opts.user, 'postgres', 'pg_isready runs as the system user (never as root: "role root does not exist")');
  }
  const { runner } = scripted({ exitCode: undefined, notFound: true, failed: true });
  await assert.rejects(pgIsReady(tools(runner), { host: 'h', port: 1 }), (e: Error) => e instanceof PgToolError && /Cannot probe h:1/.test(e.message));
});

test('readWal() treats pg_waldump stopping at the end of the WAL as the end, not a failure', async () => {
  const { runner, calls } = scripted({ exitCode: 1, stdout: fixture('waldump-diverged.txt'), stderr: fixture('waldump-diverged.stderr.txt') });
  const read = await readWal(tools(runner), { walDir: '/data/pg_wal', timeline: 1, start: parseLsn('0/3000000'), rmgrs: ['Heap', 'Transaction'], timeoutMs: 1000 });
  assert.equal(read.endOfWal, true);
  assert.ok(read.records.length > 10);
  assert.deepEqual(calls[0]!.args, ['-p', '/data/pg_wal', '-t', '1', '-s', '0/3000000', '-r', 'Heap', '-r', 'Transaction']);
  assert.equal(calls[0]!.opts.env?.['TZ'], 'UTC');
  const bad = scripted({ exitCode: 1, stderr: 'pg_waldump: error: could not open directory "/x": Permission denied' });
  await assert.rejects(readWal(tools(bad.runner), { walDir: '/x', timeline: 1, start: 0n, timeoutMs: 1000 }), /Cannot read WAL on timeline 1 from 0\/0 in \/x/);
});

test('findWalEnd() reads the end from a quiet run, else falls back to reading records', async () => {
  const quiet = scripted({ exitCode: 1, stderr: fixture('waldump-quiet.stderr.txt') });
  assert.deepEqual(await findWalEnd(tools(quiet.runner), { walDir: '/w', timeline: 1, start: 0n, timeoutMs: 1000 }), { lastRecordLsn: parseLsn(captured().oldPrimaryCheckpoint), endLsn: parseLsn(captured().oldPrimaryWalEnd) });
  assert.equal(quiet.calls[0]!.args[0], '-q');
  const fallback = scripted(
    { exitCode: 1, stderr: 'pg_waldump: error: could not find file "000000010000000000000004": No such file or directory' },
    { exitCode: 1, stdout: fixture('waldump-diverged.txt'), stderr: 'pg_waldump: error: could not find file "000000010000000000000004"' },
  );
  assert.deepEqual(await findWalEnd(tools(fallback.runner), { walDir: '/w', timeline: 1, start: 0n, timeoutMs: 1000 }), { lastRecordLsn: parseLsn(captured().oldPrimaryCheckpoint), endLsn: parseLsn(captured().oldPrimaryCheckpoint) + 114n });
});

test('basebackupArgs() and rewindArgs() build the command lines', () => {
  assert.deepEqual(basebackupArgs({ pgdata: '/d', source: 'host=vip user=rep', slot: 'node2', createSlot: true, writeRecoveryConf: true, timeoutMs: 1 }), [
    '-D', '/d', '-d', 'host=vip user=rep', '-X', 'stream', '-c', 'fast', '--no-password', '-R', '-S', 'node2', '-C',
  ]);
  assert.deepEqual(basebackupArgs({ pgdata: '/d', source: 's', writeRecoveryConf: false, checkpoint: 'spread', timeoutMs: 1 }), ['-D', '/d', '-d', 's', '-X', 'stream', '-c', 'spread', '--no-password']);
  assert.deepEqual(rewindArgs({ pgdata: '/d', sourceServer: 'host=a', dryRun: true, restoreTargetWal: true, timeoutMs: 1 }), ['-D', '/d', '--source-server=host=a', '--progress', '--dry-run', '--restore-target-wal']);
});
