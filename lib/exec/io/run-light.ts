// A lean runner for sub-second probes on monitor hot paths (node's spawnSync, same result shape).
// Loading execa costs about 50 ms per process here, and even an asynchronous execFile sets up
// sockets and streams worth about 15 ms (measured: `ip -j addr` via execFile 103 ms, via spawnSync
// 88 ms, empty node 65 ms). A frequent monitor that runs one short probe at a time waits anyway,
// so it runs it synchronously. Longer commands (pg_ctl, pg_basebackup, rsync) go through run.ts.
import { commandLine } from '../result.ts';
import type { Runner } from './run.ts';
import { traceCommand } from './trace.ts';
import { userIds } from './user-ids.ts';

/** Runs a short command with a timeout (SIGKILL) and returns a CommandResult; never throws. */
export const runLight: Runner = async (file, args, opts) => {
  const started = performance.now();
  const command = commandLine(file, args);
  // Another user: spawnSync switches uid and gid itself (no runuser process), from /etc/passwd.
  const other = opts.user !== undefined && opts.user !== 'root' && process.getuid?.() === 0;
  const ids = other ? userIds(opts.user!) : undefined;
  if (other && !ids) {
    return traceCommand({
      command, exitCode: undefined, signal: undefined, stdout: '', stderr: `runLight: no system user '${opts.user}'`,
      failed: true, timedOut: false, notFound: false, durationMs: 0,
    });
  }
  const r = process.getBuiltinModule('node:child_process').spawnSync(file, [...args], {
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', ...opts.env },
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  const timedOut = code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && performance.now() - started >= opts.timeoutMs);
  return traceCommand({
    command,
    exitCode: r.status ?? undefined,
    signal: r.signal ?? undefined,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    failed: r.error !== undefined || r.status !== 0,
    timedOut,
    notFound: code === 'ENOENT' || code === 'EACCES',
    durationMs: performance.now() - started,
  });
};
