// The db_sync agent's actions: start (optional pull, then the supervisor), stop, monitor, validate-all,
// `run` (one sync, for cron) and `supervise` (the loop start launches).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActionHandler, ActionInput } from '../../ocf/agent-spec.ts';
import { budgetMs } from '../../ocf/context.ts';
import { OCF_ERR_ARGS, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_PERM, OCF_NOT_RUNNING, OCF_SUCCESS } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { readState, removeState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import { writeErr } from '../../log/io/out.ts';
import { processArgv } from '../../exec/io/own-process.ts';
import { which } from '../../exec/io/which.ts';
import { pollUntil } from '../../exec/io/poll.ts';
import { processAlive, postmasterStatus } from '../../pg/io/postmaster.ts';
import { isDumpMethod, type SyncParams } from '../params.ts';
import { syncPaths, targetKey } from '../paths.ts';
import { ageVerdict } from '../state.ts';
import { nextRunDelayMs, parseSupervisor, renderSupervisor } from '../supervisor.ts';
import { runSync, type RunOutcome } from './run-sync.ts';
import { readSyncState } from './state-file.ts';
import { userIds } from './owner.ts';
import { withSyslog } from './syslog.ts';
import { sendSyslog } from '../../log/io/ocf-logger.ts';

type Input = ActionInput<SyncParams>;

const supervisorFile = (input: Input): string => statePath(input.ctx.stateDir, `db_sync-${targetKey(input.params.target_dir)}.supervisor`);

/** Whether `pid` is our supervisor (alive, running this agent's `supervise`). */
const isSupervisor = (pid: number): boolean => {
  if (pid <= 0 || !processAlive(pid)) return false;
  const argv = processArgv(pid) ?? [];
  return argv.includes('supervise') && argv.some((a) => a === 'db_sync' || a.endsWith('/db_sync') || a.endsWith('db_sync.ts'));
};

/** A copy that should not take longer than this (the supervisor's and cron's runs). */
const RUN_TIMEOUT_MS = 6 * 3600_000;

// A one-shot run on a terminal shows progress on stderr, rewriting one line.
const terminalProgress = (): ((line: string) => void) | undefined =>
  process.stderr.isTTY ? (line: string) => writeErr(`\r\x1b[Kdb_sync: ${line}`) : undefined;

// Every run's lines go to syslog as `db_sync`; a failure's reason too (the caller logs it locally).
const once = async (input: Input, signal: AbortSignal, timeoutMs: number, progress?: (line: string) => void): Promise<RunOutcome> => {
  const r = await runSync({ p: input.params, log: withSyslog(input.log), signal, progress, timeoutMs });
  if (r.code !== OCF_SUCCESS) sendSyslog('db_sync', 'daemon.err', r.reason);
  return r;
};

/** validate-all: binaries, system user, the target's parent directory, the rsync password file. */
export const validateSync: ActionHandler<SyncParams> = async ({ params: p }) => {
  if ((p.method === 'basebackup' || p.method === 'wal_archive') && !existsSync(join(p.bindir, 'pg_basebackup'))) {
    throw new OcfError(OCF_ERR_INSTALLED, `pg_basebackup not found in bindir ${p.bindir}`);
  }
  const tools = isDumpMethod(p.method) ? ['pg_dump', 'pg_restore', 'pg_dumpall', 'psql'] : [];
  for (const t of tools) if (!existsSync(join(p.bindir, t))) throw new OcfError(OCF_ERR_INSTALLED, `${t} not found in bindir ${p.bindir}`);
  if (p.method === 'rsync' && !which('rsync')) throw new OcfError(OCF_ERR_INSTALLED, 'rsync is not installed (apt-get install rsync)');
  await userIds(p.system_user);
  const parent = dirname(p.target_dir.replace(/\/+$/, ''));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new OcfError(OCF_ERR_ARGS, `The parent directory ${parent} of target_dir does not exist`);
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new OcfError(OCF_ERR_PERM, `Cannot write in ${parent} (target_dir's parent): the new copy is built beside target_dir`);
  }
  if (p.rsync_password_file) {
    let mode: number;
    try {
      mode = statSync(p.rsync_password_file).mode;
    } catch {
      throw new OcfError(OCF_ERR_ARGS, `rsync_password_file ${p.rsync_password_file} does not exist`);
    }
    if (mode & 0o077) throw new OcfError(OCF_ERR_PERM, `rsync_password_file ${p.rsync_password_file} is readable by others (rsync refuses it): chmod 600`);
  }
  return OCF_SUCCESS;
};

/** run: one sync now (cron); a second run while one is going on skips and says so. */
export const runOnce: ActionHandler<SyncParams> = async (input) => {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const progress = terminalProgress();
  const r = await once(input, ac.signal, RUN_TIMEOUT_MS, progress);
  if (progress) writeErr('\n');
  if (r.code !== OCF_SUCCESS) throw new OcfError(r.code, r.reason);
  if (r.skipped) writeErr(`db_sync: ${r.reason}\n`);
  return OCF_SUCCESS;
};

/** supervise: runs a sync every interval until SIGTERM, which aborts a running copy cleanly. */
export const supervise: ActionHandler<SyncParams> = async (input) => {
  const ac = new AbortController();
  let wake: (() => void) | undefined;
  process.once('SIGTERM', () => {
    ac.abort();
    wake?.();
  });
  const log = withSyslog(input.log);
  log.info(`supervisor ${process.pid} started: a ${input.params.method} sync every ${input.params.interval} s into ${input.params.target_dir}`);
  while (!ac.signal.aborted) {
    const started = Date.now();
    const r = await once(input, ac.signal, RUN_TIMEOUT_MS);
    if (r.code !== OCF_SUCCESS) input.log.err(r.reason);
    if (ac.signal.aborted) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, nextRunDelayMs(input.params.interval, started, Date.now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  log.info(`supervisor ${process.pid} stopped`);
  return OCF_SUCCESS;
};

/** start: the pull_on_start sync, then the supervisor (unless interval is 0); idempotent. */
export const startSync: ActionHandler<SyncParams> = async (input) => {
  const file = supervisorFile(input);
  const rec = parseSupervisor(readState(file));
  if (rec && (rec.pid === 0 || isSupervisor(rec.pid))) return OCF_SUCCESS;
  const p = input.params;
  if (p.pull_on_start) {
    const r = await once(input, new AbortController().signal, budgetMs(input.ctx, 3_600_000, 0.9));
    if (r.code !== OCF_SUCCESS && !r.sourceUnavailable) throw new OcfError(r.code, r.reason);
    if (r.code !== OCF_SUCCESS) input.log.warn(`pull_on_start: ${r.reason}; starting with the copy this node has`);
  }
  const startedAt = Date.now() / 1000;
  if (p.interval === 0) {
    writeState(file, renderSupervisor({ pid: 0, startedAt }));
    return OCF_SUCCESS;
  }
  const script = process.argv[1];
  if (!script) throw new OcfError(OCF_ERR_GENERIC, 'Cannot find the agent program to launch the supervisor');
  const child = spawn(process.execPath, [script, ...input.ctx.positional, 'supervise'], { detached: true, stdio: 'ignore', cwd: '/', env: process.env });
  if (child.pid === undefined) throw new OcfError(OCF_ERR_GENERIC, 'Cannot launch the supervisor process');
  child.unref();
  writeState(file, renderSupervisor({ pid: child.pid, startedAt }));
  const pid = child.pid;
  const up = await pollUntil(() => isSupervisor(pid) || !processAlive(pid), { deadline: Date.now() + 5_000, intervalMs: 50 });
  if (!up || !isSupervisor(pid)) {
    removeState(file);
    throw new OcfError(OCF_ERR_GENERIC, `The supervisor (PID ${pid}) exited at once; see the syslog lines tagged db_sync`);
  }
  input.log.info(`started the supervisor, PID ${child.pid}`);
  return OCF_SUCCESS;
};

/** stop: SIGTERM to the recorded supervisor (it aborts a running copy cleanly), wait, then SIGKILL. */
export const stopSync: ActionHandler<SyncParams> = async (input) => {
  const file = supervisorFile(input);
  const rec = parseSupervisor(readState(file));
  if (rec && rec.pid > 0 && isSupervisor(rec.pid)) {
    process.kill(rec.pid, 'SIGTERM');
    await pollUntil(() => !processAlive(rec.pid), { deadline: Date.now() + budgetMs(input.ctx, 60_000), intervalMs: 100 });
    if (processAlive(rec.pid) && isSupervisor(rec.pid)) {
      input.log.warn(`supervisor ${rec.pid} did not exit after SIGTERM: killing it (the next run repairs the directories)`);
      process.kill(rec.pid, 'SIGKILL');
    }
  }
  removeState(file);
  return OCF_SUCCESS;
};

/** monitor: not running without a supervisor record; failed when the supervisor died or the copy is too old. */
export const monitorSync: ActionHandler<SyncParams> = async (input) => {
  const p = input.params;
  const rec = parseSupervisor(readState(supervisorFile(input)));
  if (!rec) return OCF_NOT_RUNNING;
  if (rec.pid > 0 && !isSupervisor(rec.pid)) throw new OcfError(OCF_ERR_GENERIC, `The db_sync supervisor (PID ${rec.pid}) is gone`);
  // A copy a postmaster runs on is live (this node took over); the dump methods' target always runs.
  if (!isDumpMethod(p.method) && postmasterStatus(p.target_dir).alive) return OCF_SUCCESS;
  const v = ageVerdict(readSyncState(syncPaths(p.target_dir, p.state_dir).state), Date.now() / 1000, p.max_age, rec.startedAt);
  if (!v.ok) throw new OcfError(OCF_ERR_GENERIC, v.reason);
  input.log.debug(v.reason);
  return OCF_SUCCESS;
};
