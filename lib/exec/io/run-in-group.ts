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

/** Runs `file args` in a new process group; a timeout kills the group and sets `timedOut`. */
export const runInGroup = async (file: string, args: readonly string[], opts: GroupRunOptions): Promise<CommandResult> => {
  const command = commandLine(file, args);
  const started = performance.now();
  try {
    const { execa } = await import('execa');
    const child = execa(file, [...args], {
      reject: false,
      detached: true,
      extendEnv: false,
      env: opts.env,
      cwd: opts.cwd ?? '/',
      stdin: 'ignore',
      stripFinalNewline: false,
      forceKillAfterDelay: false,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs);
    const r = await child;
    clearTimeout(timer);
    const notFound = r.exitCode === undefined && r.signal === undefined && /ENOENT|EACCES/.test(String(r.originalMessage ?? r.message ?? ''));
    return traceCommand({
      command,
      exitCode: r.exitCode,
      signal: r.signal,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
      failed: r.failed || timedOut,
      timedOut,
      notFound,
      durationMs: performance.now() - started,
    });
  } catch (e) {
    return traceCommand({
      command, exitCode: undefined, signal: undefined, stdout: '', stderr: String((e as Error).message ?? e),
      failed: true, timedOut: false, notFound: false, durationMs: performance.now() - started,
    });
  }
};
