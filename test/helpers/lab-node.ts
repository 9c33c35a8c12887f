// A lab node's processes, for the cluster tests: each node is a PID namespace whose first process
// (started by the test) holds the node's daemons; commands run inside it with nsenter, and the node
// "loses power" when that first process is SIGKILLed. Nothing here touches a process the test did
// not start, and every wait is bounded.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The PATH the nodes' daemons and our commands get. */
export const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What a bounded command run produced; `out` is stdout and stderr together. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  out: string;
}

/** Polls `check` (sync or async) until it returns true or `timeoutMs` pass (at most `maxTries` polls). */
export const waitUntil = async (
  check: () => boolean | Promise<boolean>,
  { timeoutMs, stepMs = 250, maxTries = Math.ceil(timeoutMs / stepMs) + 1 }: { timeoutMs: number; stepMs?: number; maxTries?: number },
): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  for (let tries = 0; tries < maxTries; tries++) {
    try {
      if (await check()) return true;
    } catch {
      // Not yet: the check's command failed.
    }
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
  return false;
};

/** One node of the cluster as the test describes it. */
/** The PIDs of `pid`'s children; empty when it is gone. */
export const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** The command name of `pid`; empty when it is gone. */
export const commOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/** Runs a command inside the node whose first process is `init` (its mount, UTS, network and PID namespaces, plus `extraNs` flags). */
export const runInNode = (init: number, extraNs: string[], argv: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Run => {
  const r = spawnSync('nsenter', ['-t', String(init), '-m', '-u', '-n', '-p', ...extraNs, '--', ...argv], {
    encoding: 'utf8', env: { PATH: NODE_PATH, LANG: 'C', ...opts.env }, timeout: opts.timeoutMs ?? 60_000, cwd: '/',
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}` };
};

/** What run() answers for a node that is down. */
export const notRunning = (name: string): Run => ({ status: null, stdout: '', stderr: `${name} is not running`, out: `${name} is not running` });

/** SIGKILLs the node's first process (the kernel ends the rest of its PID namespace) and waits up to 15 s for `exited`. */
export const killInit = async (init: number, exited: Promise<unknown>): Promise<void> => {
  try {
    process.kill(init, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await Promise.race([exited, sleep(15_000)]);
};
