// A lean runner for sub-second probes on monitor hot paths (node's execFile, same result shape).
// Loading execa costs about 50 ms per process here (measured: IPaddr monitor 156 ms with execa,
// 119 ms without), more than the whole budget of a frequent monitor; longer-running commands
// (pg_ctl, pg_basebackup, rsync) go through run.ts.
import { execFile } from 'node:child_process';
import { commandLine, type CommandResult } from '../result.ts';
import type { Runner } from './run.ts';
import { traceCommand } from './trace.ts';

type ExecError = Error & { code?: number | string; killed?: boolean; signal?: NodeJS.Signals | null };

/** Runs a short command with a timeout (SIGKILL) and returns a CommandResult; never throws. */
export const runLight: Runner = (file, args, opts) =>
  new Promise((resolve) => {
    const started = performance.now();
    const finish = (e: ExecError | null, stdout: string, stderr: string): void => {
      const notFound = e?.code === 'ENOENT' || e?.code === 'EACCES';
      resolve(traceCommand({
        command: commandLine(file, args),
        exitCode: e === null ? 0 : typeof e.code === 'number' ? e.code : undefined,
        signal: e?.signal ?? undefined,
        stdout,
        stderr,
        failed: e !== null,
        timedOut: e?.killed === true && e.signal === 'SIGKILL',
        notFound,
        durationMs: performance.now() - started,
      }));
    };
    if (opts.user !== undefined && opts.user !== 'root') {
      finish(Object.assign(new Error('runLight cannot switch users'), { code: 'EINVAL' }), '', 'runLight cannot switch users; use run()');
      return;
    }
    const child = execFile(
      file,
      [...args],
      {
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...opts.env },
        cwd: opts.cwd,
        signal: opts.signal,
        maxBuffer: 16 * 1024 * 1024,
      },
      (e, stdout, stderr) => finish(e as ExecError | null, String(stdout), String(stderr)),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
