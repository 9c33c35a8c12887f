// A bed node booted for an engine that is not heartbeat-cluster.ts's (pgbeat): the lab network
// namespace plus its own mount, UTS (hostname = node name) and PID namespaces. PID 1 is a shell that
// mounts a private /run and /dev/shm, binds the given host directories, starts `daemon` in the
// background and then execs a reaper (daemonised postmasters end up there). Killing PID 1 is the node
// losing power. Only processes we started are signalled, by PID; every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, commOf, killInit, NODE_PATH, notRunning, runInNode, waitUntil } from '../lab-node.ts';
import { sameProcess, type Ledger } from './ledger.ts';
import type { BedNode } from './node.ts';
import type { NodeName } from './topology.ts';

/** How to boot one node. */
export interface BootSpec {
  name: NodeName;
  ns: string;
  /** Host directories shown at `target` inside the node only (directories). */
  binds: { source: string; target: string }[];
  /** Directories made in the private /run: path, owner (user:group), mode. */
  runDirs: { path: string; owner: string; mode: string }[];
  /** The node's daemon (argv), started by PID 1 in the background with output to `logFile`. */
  daemon: string[];
  /** Host file receiving the daemon's stdout and stderr. */
  logFile: string;
}

const BOOT = [
  'set -e',
  'hostname "$PGB_NODE"',
  'mount -t tmpfs -o mode=755 tmpfs /run',
  'mount -t tmpfs -o mode=1777 tmpfs /dev/shm',
  'printf "%s" "$PGB_RUNDIRS" | while IFS="$(printf "\\t")" read -r p o m; do [ -n "$p" ] && mkdir -p "$p" && chown "$o" "$p" && chmod "$m" "$p"; done',
  'printf "%s" "$PGB_BINDS" | while IFS="$(printf "\\t")" read -r src dst; do [ -n "$src" ] && mkdir -p "$dst" && mount --bind "$src" "$dst"; done',
  'set +e',
  '"$@" >>"$PGB_LOG" 2>&1 </dev/null &',
  `exec perl -e 'while (1) { sleep 1 if waitpid(-1, 0) <= 0 }'`,
].join('\n');

/** A node that boots `spec.daemon`; its PID 1 is recorded in `ledger` while it runs. */
export const makeBootedNode = (spec: BootSpec, ledger: Ledger): BedNode => {
  let child: ChildProcess | undefined;
  let init: number | undefined;
  // Set when the node was booted by another process (adopt): its first process's start time.
  let adopted: string | undefined;
  let exited: Promise<void> = Promise.resolve();
  const running = (): boolean => init !== undefined && (adopted !== undefined
    ? sameProcess(init, adopted)
    : child !== undefined && child.exitCode === null && child.signalCode === null);
  // The daemon is PID 1's only child (a script's command name depends on its interpreter).
  const daemonPid = (): number | undefined => (init === undefined ? undefined : childrenOf(init)[0]);
  const node: BedNode = {
    name: spec.name,
    ns: spec.ns,
    init: () => init,
    running,
    start: async () => {
      if (running()) throw new Error(`${spec.name} is already running`);
      adopted = undefined;
      // The boot's own output goes to the daemon's log file too: the node outlives the process that
      // booted it (the lab's `up`), so it holds no pipe to it.
      const outFd = openSync(spec.logFile, 'a');
      child = spawn('ip', [
        'netns', 'exec', spec.ns, 'unshare', '-m', '-u', '-p', '-f', '--mount-proc', '--propagation', 'private',
        'sh', '-c', BOOT, 'boot', ...spec.daemon,
      ], {
        env: {
          PATH: NODE_PATH, LANG: 'C', PGB_NODE: spec.name, PGB_LOG: spec.logFile,
          PGB_BINDS: spec.binds.map((b) => `${b.source}\t${b.target}\n`).join(''),
          PGB_RUNDIRS: spec.runDirs.map((d) => `${d.path}\t${d.owner}\t${d.mode}\n`).join(''),
        },
        stdio: ['ignore', outFd, outFd], cwd: '/',
      });
      closeSync(outFd);
      const c = child;
      exited = new Promise((resolve) => c.on('exit', () => resolve()));
      const found = await waitUntil(() => {
        init = c.pid === undefined ? undefined : childrenOf(c.pid)[0];
        return init !== undefined;
      }, { timeoutMs: 5_000, stepMs: 20 });
      if (!found) throw new Error(`${spec.name}: no PID 1 appeared\n${node.logs()}`);
      ledger.addProcess(init!, `${spec.name} PID 1`);
      const up = await waitUntil(() => daemonPid() !== undefined && commOf(init!) === 'perl', { timeoutMs: 10_000, stepMs: 50 });
      if (!up) throw new Error(`${spec.name}: ${spec.daemon.join(' ')} did not start\n${node.logs()}`);
    },
    kill: async () => {
      if (!running()) return;
      if (adopted !== undefined) {
        const [pid, startTime] = [init!, adopted];
        await killInit(pid, waitUntil(() => !sameProcess(pid, startTime), { timeoutMs: 15_000, stepMs: 20 }));
      } else await killInit(init!, exited);
      init = undefined;
      adopted = undefined;
    },
    adopt: (pid, startTime) => {
      child = undefined;
      init = pid;
      adopted = startTime;
    },
    run: (argv, opts = {}) => (running() ? runInNode(init!, [], argv, opts) : notRunning(spec.name)),
    logs: (lines = 40) => [
      `--- ${spec.name} ${spec.daemon.join(' ')} (last ${lines}) ---`,
      (existsSync(spec.logFile) ? readFileSync(spec.logFile, 'utf8') : '').trimEnd().split('\n').slice(-lines).join('\n') || '(empty)',
    ].join('\n'),
  };
  return node;
};

/** A host directory for one node's private state under the bed directory. */
export const nodeStateDir = (base: string, name: string, what: string): string => join(base, `${name}-${what}`);
