// Runs a command the way a cluster manager runs a resource agent: in a process group of its own,
// with exactly the environment given (nothing inherited), and at the timeout SIGKILL to the whole
// group (as Pacemaker does), so helpers the agent forked die with it. Returns a CommandResult;
// never throws.
import { commandLine, type CommandResult } from '../result.ts';
import { traceCommand } from './trace.ts';

/** Options of runInGroup. */
export interface GroupRunOptions {
  /** SIGKILL the process group after this many ms. */
  timeoutMs: number;
  /** The whole environment of the command. */
  env: Record<string, string>;
  cwd?: string | undefined;
}

const killGroup = (pid: number | undefined): void => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
};

/**
 * Runs `file args` in a new process group; a timeout kills the group and sets `timedOut`. Node's own
 * spawn, not execa: the manager daemon runs agents all its life, and execa's module costs it several
 * MB of resident memory and each run more work than a pipe pair (issue 8's budget).
 */
export const runInGroup = (file: string, args: readonly string[], opts: GroupRunOptions): Promise<CommandResult> => {
  const command = commandLine(file, args);
  const started = performance.now();
  const done = (r: Omit<CommandResult, 'command' | 'durationMs'>): CommandResult =>
    traceCommand({ command, ...r, durationMs: performance.now() - started });
  return new Promise<CommandResult>((resolve) => {
    let child: ReturnType<typeof import('node:child_process').spawn>;
    try {
      child = process.getBuiltinModule('node:child_process').spawn(file, [...args], {
        detached: true, env: opts.env, cwd: opts.cwd ?? '/', stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve(done({ exitCode: undefined, signal: undefined, stdout: '', stderr: String((e as Error).message ?? e), failed: true, timedOut: false, notFound: false }));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => { spawnError ??= e; });
    // 'close': exited and its output ends (as execa waited for both).
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      const notFound = spawnError !== undefined && child.pid === undefined && /ENOENT|EACCES/.test(`${spawnError.code ?? ''} ${spawnError.message}`);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve(done({
        exitCode: spawnError !== undefined && child.pid === undefined ? undefined : code ?? undefined,
        signal: signal ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: spawnError && !stderr ? spawnError.message : stderr,
        failed: spawnError !== undefined || code !== 0 || signal !== null || timedOut,
        timedOut,
        notFound,
      }));
    });
  });
};
