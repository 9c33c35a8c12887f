// Runs commands through execa with a timeout and returns a CommandResult (never throws).
import { commandLine, type CommandResult } from '../result.ts';
import { traceCommand } from './trace.ts';

/** Options for one command. */
export interface RunOptions {
  /** Kill the command (SIGKILL) after this many ms. */
  timeoutMs: number;
  /** Run as this system user (the caller must be root). */
  user?: string;
  /** Text written to stdin. */
  input?: string;
  /** Extra environment on top of a C locale. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
}

/** The function type adapters take, so tests can hand in a recorder. */
export type Runner = (file: string, args: readonly string[], opts: RunOptions) => Promise<CommandResult>;

const asUser = (file: string, args: readonly string[], user: string | undefined): [string, string[]] =>
  user === undefined || user === 'root' ? [file, [...args]] : ['runuser', ['-u', user, '--', file, ...args]];

/** Runs a command and returns its result; a timeout kills it and sets `timedOut`. */
export const run: Runner = async (file, args, opts) => {
  const { execa } = await import('execa');
  const [cmd, argv] = asUser(file, args, opts.user);
  const started = performance.now();
  const r = await execa(cmd, argv, {
    reject: false,
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    env: { LC_ALL: 'C', LANG: 'C', ...opts.env },
    cwd: opts.cwd,
    cancelSignal: opts.signal,
    stripFinalNewline: false,
  });
  const notFound = r.exitCode === undefined && r.signal === undefined && /ENOENT|EACCES/.test(String(r.originalMessage ?? r.message ?? ''));
  return traceCommand({
    command: commandLine(file, args),
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    failed: r.failed,
    timedOut: r.timedOut,
    notFound,
    durationMs: performance.now() - started,
  });
};
