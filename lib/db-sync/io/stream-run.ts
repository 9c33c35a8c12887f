// Runs a long copy command (rsync, pg_basebackup) and, on a terminal, turns its progress output into
// our progress lines as it comes. Same CommandResult as lib/exec; an abort or timeout sends SIGTERM,
// then SIGKILL 5 s later.
import { spawn } from 'node:child_process';
import { commandLine, type CommandResult } from '../../exec/result.ts';
import { traceCommand } from '../../exec/io/trace.ts';
import { progressLine } from '../progress.ts';

/** Options of one streamed command. */
export interface StreamOptions {
  /** Run as this system user (through runuser). */
  user?: string | undefined;
  timeoutMs: number;
  signal: AbortSignal;
  input?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Where the command prints progress and how to read [done, total] bytes from a piece of it. */
  progress?: false | undefined | { stream: 'stdout' | 'stderr'; parse: (text: string) => [number, number | undefined] | undefined; emit: (line: string) => void };
}

/** Runs the command to its end; never throws. */
export const runStreaming = (file: string, args: readonly string[], o: StreamOptions): Promise<CommandResult> =>
  new Promise((resolve) => {
    const started = performance.now();
    const [cmd, argv] = o.user && o.user !== 'root' ? ['runuser', ['-u', o.user, '--', file, ...args]] : [file, [...args]];
    const child = spawn(cmd, argv, { cwd: '/', env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...o.env }, stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let lastEmit = 0;
    const kill = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.timeoutMs);
    const onAbort = (): void => kill();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const watch = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      const pr = o.progress;
      if (!pr || pr.stream !== stream) return;
      const pieces = chunk.toString('utf8').split(/[\r\n]/).filter((s) => s.trim() !== '');
      const last = pieces.length ? pr.parse(pieces[pieces.length - 1]!) : undefined;
      const now = performance.now();
      if (last && now - lastEmit > 1_000) {
        lastEmit = now;
        pr.emit(progressLine(last[0], last[1], now - started));
      }
    };
    child.stdout?.on('data', (c: Buffer) => {
      out.push(c);
      watch('stdout', c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      err.push(c);
      watch('stderr', c);
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      resolve(traceCommand({
        command: commandLine(file, args),
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        failed: spawnError !== undefined || code !== 0,
        timedOut,
        notFound: spawnError?.code === 'ENOENT' || spawnError?.code === 'EACCES',
        durationMs: performance.now() - started,
      }));
    });
  });
