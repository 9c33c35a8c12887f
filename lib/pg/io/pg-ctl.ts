// pg_ctl: start (waiting), stop (fast, then immediate, then SIGKILL, inside a deadline), promote, status.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandResult } from '../../exec/result.ts';
import { stopPlan } from '../stop-plan.ts';
import { isPostmasterOf, postmasterStatus, readPostmasterPid } from './postmaster.ts';
import { runPgTool, seconds, type PgTools } from './tool.ts';

/** Options of `pg_ctl start`. */
export interface StartOptions {
  /** How long pg_ctl waits for the server to accept connections. */
  timeoutMs: number;
  /**
   * Where the postmaster's stdout/stderr go (pg_ctl -l). Required: without it the server would inherit
   * our pipes and the call would not return until the server stops.
   */
  logFile: string;
  /** Passed as pg_ctl -o (e.g. `-c config_file=...`). */
  options?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** How a stop ended. */
export interface StopOutcome {
  stopped: boolean;
  /** The mode that stopped it, or 'already-stopped'; 'killed': SIGKILL after an immediate shutdown that did not end. */
  how: 'already-stopped' | 'fast' | 'immediate' | 'killed' | 'failed';
  /** Every pg_ctl call made, in order (for logs and exit reasons). */
  attempts: CommandResult[];
}

/** pg_ctl status (0 running, 3 not running, 4 no accessible data directory), corrected for zombies. */
export interface StatusOutcome {
  running: boolean;
  pid: number | undefined;
  result: CommandResult;
}

/** pg_ctl bound to one data directory. */
export interface PgCtl {
  start(o: StartOptions): Promise<CommandResult>;
  /**
   * Fast shutdown, then immediate, within the bounds of stopPlan(deadlineMs); if the postmaster still
   * runs, SIGKILL (it waits on children that no signal reaches, e.g. ones reading a stalled client's
   * startup packet for up to authentication_timeout).
   */
  stop(o: { deadlineMs: number; signal?: AbortSignal }): Promise<StopOutcome>;
  promote(o: { timeoutMs: number; signal?: AbortSignal }): Promise<CommandResult>;
  status(): Promise<StatusOutcome>;
}

/**
 * SIGKILLs the postmaster of `pgdata` (the PID in postmaster.pid, checked to be that directory's
 * postmaster) and waits up to `waitMs` for it to be gone. Only after an immediate shutdown was asked
 * for: the data directory is then crash-consistent either way, and the remaining children exit when
 * they see the postmaster die. Returns whether it is gone.
 */
const killPostmaster = async (pgdata: string, isRunning: () => boolean, waitMs: number): Promise<boolean> => {
  const file = readPostmasterPid(pgdata);
  if (file && isPostmasterOf(file.pid, pgdata)) {
    try {
      process.kill(file.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  const until = Date.now() + waitMs;
  for (let i = 0; i < 1_000 && isRunning() && Date.now() < until; i++) await sleep(20);
  return !isRunning();
};

/**
 * A PgCtl for `pgdata`, running pg_ctl as the system user. `isRunning` (default: postmaster.pid names a
 * live, non-zombie postmaster of pgdata) decides "already stopped": pg_ctl's own check, kill(pid, 0),
 * still sees a SIGKILLed postmaster until its parent reaps it, and `pg_ctl stop` then waits on a corpse.
 */
export const pgCtl = (tools: PgTools, pgdata: string, isRunning: () => boolean = () => postmasterStatus(pgdata).alive): PgCtl => {
  // pg_ctl's own -t bounds the wait; the runner's timeout is a backstop a little later.
  const ctl = (args: string[], waitMs: number, signal?: AbortSignal): Promise<CommandResult> =>
    runPgTool(tools, 'pg_ctl', ['-D', pgdata, ...args], { timeoutMs: waitMs + 5_000, signal });
  const status = async (): Promise<StatusOutcome> => {
    const r = await ctl(['status'], 5_000);
    const pid = /\(PID: (\d+)\)/.exec(r.stdout)?.[1];
    return { running: r.exitCode === 0 && isRunning(), pid: pid === undefined ? undefined : Number(pid), result: r };
  };
  const stopWith = (mode: 'fast' | 'immediate', ms: number, signal?: AbortSignal): Promise<CommandResult> =>
    ctl(['stop', '-m', mode, '-w', '-t', seconds(ms)], Math.max(ms, 1000), signal);
  return {
    start: (o) => {
      const args = ['start', '-w', '-t', seconds(o.timeoutMs), '-l', o.logFile];
      if (o.options) args.push('-o', o.options);
      return ctl(args, o.timeoutMs, o.signal);
    },
    stop: async ({ deadlineMs, signal }) => {
      const started = Date.now();
      if (!isRunning()) return { stopped: true, how: 'already-stopped', attempts: [] };
      const plan = stopPlan(deadlineMs);
      const fast = await stopWith('fast', plan.fastMs, signal);
      if (!fast.failed || !isRunning()) return { stopped: true, how: 'fast', attempts: [fast] };
      const immediate = await stopWith('immediate', plan.immediateMs, signal);
      if (!immediate.failed || !isRunning()) return { stopped: true, how: 'immediate', attempts: [fast, immediate] };
      const killed = await killPostmaster(pgdata, isRunning, Math.max(1_000, deadlineMs - (Date.now() - started)));
      return { stopped: killed, how: killed ? 'killed' : 'failed', attempts: [fast, immediate] };
    },
    promote: (o) => ctl(['promote', '-w', '-t', seconds(o.timeoutMs)], o.timeoutMs, o.signal),
    status,
  };
};
