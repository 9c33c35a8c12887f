// Real heartbeat 3.0.6 daemons (v1, haresources) as cluster nodes for integration tests, without
// systemd. Every node is a lab network namespace (netns.ts) plus its own mount, UTS (hostname = node
// name) and PID namespaces. PID 1 of a node is a small reaper (perl) started by a shell that mounts
// the node's private state over the system paths: its own /etc/ha.d (ha.cf, authkeys, haresources
// written per run; resource.d, rc.d, shellfuncs and harc bind-mounted from the system), its own
// /var/lib/heartbeat, a private /run and /dev/shm, and extra binds (a PostgreSQL data directory).
// heartbeat runs in the foreground (-f) as a child of that PID 1; daemonised postmasters are
// reparented to PID 1 and reaped there. Killing PID 1 is a node losing power: the kernel SIGKILLs
// everything in its PID namespace. Nothing here touches a process we did not start; every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, commOf, killInit, NODE_PATH, notRunning, runInNode, waitUntil, type Run } from './lab-node.ts';

/** heartbeat 3.0.6's daemon on Debian 12. */
export const HEARTBEAT = '/usr/libexec/heartbeat/heartbeat';
/** Where hb_standby, hb_takeover and ResourceManager live on Debian. */
export const HA_NOARCH = '/usr/share/heartbeat';

/** ha.cf for a test daemon: its own log files, no syslog or logd, v1 mode (crm off), then `lines`. */
export const haCfText = (logFile: string, debugFile: string, lines: readonly string[]): string => [
  'udpport 694', // before the media lines
  `logfile ${logFile}`,
  `debugfile ${debugFile}`,
  'logfacility none',
  'use_logd no',
  'realtime off',
  'coredumps false',
  'crm off',
  ...lines,
  '',
].join('\n');

/** One node as the test describes it. */
export interface HbNodeSpec {
  /** Node name (ha.cf `node`, hostname). */
  name: string;
  /** The lab network namespace the node lives in. */
  ns: string;
  /** Extra private bind mounts: a host directory shown at `target` inside the node only. */
  binds?: { source: string; target: string }[];
  /** Directories made in the private /run at boot: path, owner (user:group), mode. */
  runDirs?: { path: string; owner: string; mode: string }[];
}

/** A running (or stopped) heartbeat node. */
export interface HbNode {
  spec: HbNodeSpec;
  /** The node's private state: etc (its /etc/ha.d), varlib (/var/lib/heartbeat), log. */
  base: string;
  /** Host PID of the node's PID 1 (undefined while stopped). */
  init: number | undefined;
  /** Writes ha.cf (after the fixed logging lines), authkeys and haresources. */
  configure(haCf: string[], haresources: string): void;
  /** Rewrites haresources only (ResourceManager re-reads it on every call). */
  writeHaresources(text: string): void;
  /** Boots the node and waits for the heartbeat master process. */
  start(): Promise<void>;
  running(): boolean;
  /** Host PID of the heartbeat master (a child of PID 1 named heartbeat). */
  heartbeatPid(): number | undefined;
  /** SIGKILLs PID 1 (the kernel ends every process of the node) and waits for it. */
  kill(): Promise<void>;
  /** Runs a command in all of the node's namespaces (bounded, clean environment). */
  run(argv: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Run;
  /** ha.log (heartbeat and the agents' ocf_log lines). */
  log(): string;
  /** ha-debug.log (resource scripts' stdout and stderr, exit reasons). */
  debugLog(): string;
  /** Both logs and the boot output, last `lines` lines each (for failure messages). */
  logs(lines?: number): string;
}

const readOr = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const tail = (text: string, lines: number): string => text.trimEnd().split('\n').slice(-lines).join('\n');

// PID 1 of a node: private /etc/ha.d, /var/lib/heartbeat, /run, /dev/shm and the extra binds, then
// heartbeat -f in the background, then exec a reaper that waits for any child for ever.
const BOOT = [
  'set -e',
  'for d in resource.d rc.d; do mkdir -p "$PGB_HA/$d"; mount --bind "/etc/ha.d/$d" "$PGB_HA/$d"; done',
  'for f in shellfuncs harc; do touch "$PGB_HA/$f"; mount --bind "/etc/ha.d/$f" "$PGB_HA/$f"; done',
  'mount --rbind "$PGB_HA" /etc/ha.d',
  'hostname "$PGB_NODE"',
  'mount --bind "$PGB_VARLIB" /var/lib/heartbeat',
  'mount -t tmpfs -o mode=755 tmpfs /run',
  'mount -t tmpfs -o mode=1777 tmpfs /dev/shm',
  'mkdir -p /run/heartbeat /run/resource-agents',
  // heartbeat takes a UUCP lock (/var/lock/LCK..<tty>) before it opens a serial line; /var/lock is /run/lock.
  'mkdir -p -m 1777 /run/lock',
  'chown hacluster:haclient /run/heartbeat && chmod 750 /run/heartbeat',
  // Extra run dirs: "path<TAB>owner<TAB>mode" lines; extra binds: "source<TAB>target" lines.
  'printf "%s" "$PGB_RUNDIRS" | while IFS="$(printf "\\t")" read -r p o m; do [ -n "$p" ] && mkdir -p "$p" && chown "$o" "$p" && chmod "$m" "$p"; done',
  'printf "%s" "$PGB_BINDS" | while IFS="$(printf "\\t")" read -r src dst; do [ -n "$src" ] && mkdir -p "$dst" && mount --bind "$src" "$dst"; done',
  'set +e',
  `${HEARTBEAT} -f >>"$PGB_LOGS/heartbeat.out" 2>&1 </dev/null &`,
  `exec perl -e 'while (1) { sleep 1 if waitpid(-1, 0) <= 0 }'`,
].join('\n');

/** Prepares (does not start) a node. Its temp dir goes into `temps` (the caller removes them). */
export const makeHbNode = (spec: HbNodeSpec, temps: string[]): HbNode => {
  const base = mkdtempSync(join(tmpdir(), `pgbeat-hb-${spec.name}-`));
  temps.push(base);
  chmodSync(base, 0o755);
  const etc = join(base, 'etc');
  const varlib = join(base, 'varlib');
  const logs = join(base, 'log');
  for (const d of [etc, join(varlib, 'cores', 'root'), join(varlib, 'cores', 'hacluster'), logs]) mkdirSync(d, { recursive: true });
  const logFile = join(logs, 'ha.log');
  const debugFile = join(logs, 'ha-debug.log');

  let child: ChildProcess | undefined;
  let bootOutput = '';
  let exited: Promise<void> = Promise.resolve();
  const node: HbNode = {
    spec,
    base,
    init: undefined,
    configure: (haCf, haresources) => {
      writeFileSync(join(etc, 'ha.cf'), haCfText(logFile, debugFile, haCf));
      writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 pgbeat-heartbeat-cluster-test\n', { mode: 0o600 });
      chmodSync(join(etc, 'authkeys'), 0o600);
      node.writeHaresources(haresources);
    },
    writeHaresources: (text) => writeFileSync(join(etc, 'haresources'), `${text.trimEnd()}\n`),
    start: async () => {
      if (node.running()) throw new Error(`${spec.name} is already running`);
      bootOutput = '';
      const binds = (spec.binds ?? []).map((b) => `${b.source}\t${b.target}\n`).join('');
      const runDirs = (spec.runDirs ?? []).map((d) => `${d.path}\t${d.owner}\t${d.mode}\n`).join('');
      child = spawn('ip', [
        'netns', 'exec', spec.ns, 'unshare', '-m', '-u', '-p', '-f', '--mount-proc', '--propagation', 'private',
        'sh', '-c', BOOT,
      ], {
        env: { PATH: NODE_PATH, LANG: 'C', PGB_NODE: spec.name, PGB_HA: etc, PGB_VARLIB: varlib, PGB_LOGS: logs, PGB_BINDS: binds, PGB_RUNDIRS: runDirs },
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: '/',
      });
      child.stdout!.on('data', (b: Buffer) => (bootOutput += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (bootOutput += b.toString()));
      const c = child;
      exited = new Promise((resolve) => c.on('exit', () => resolve()));
      const outer = child.pid;
      // `ip netns exec` execs unshare, whose only child (--fork) is the node's PID 1.
      const found = await waitUntil(() => {
        node.init = outer === undefined ? undefined : childrenOf(outer)[0];
        return node.init !== undefined;
      }, { timeoutMs: 5_000, stepMs: 20 });
      if (!found) throw new Error(`${spec.name}: no PID 1 appeared\n${bootOutput}`);
      const up = await waitUntil(() => node.heartbeatPid() !== undefined && commOf(node.init!) === 'perl', { timeoutMs: 10_000, stepMs: 50 });
      if (!up) throw new Error(`${spec.name}: heartbeat did not start\n${node.logs()}`);
    },
    running: () => node.init !== undefined && child !== undefined && child.exitCode === null && child.signalCode === null,
    heartbeatPid: () => (node.init === undefined ? undefined : childrenOf(node.init).find((p) => commOf(p) === 'heartbeat')),
    kill: async () => {
      if (!node.running()) return;
      await killInit(node.init!, exited);
      node.init = undefined;
    },
    run: (argv, opts = {}) => (node.running() ? runInNode(node.init!, [], argv, opts) : notRunning(spec.name)),
    log: () => readOr(logFile),
    debugLog: () => readOr(debugFile),
    logs: (lines = 40) => [
      `--- ${spec.name} ha.log (last ${lines}) ---`,
      tail(node.log(), lines) || '(empty)',
      `--- ${spec.name} ha-debug.log (last ${lines}) ---`,
      tail(node.debugLog(), lines) || '(empty)',
      `--- ${spec.name} heartbeat stdout/stderr ---`,
      tail(readOr(join(logs, 'heartbeat.out')), 10) || '(empty)',
      ...(bootOutput ? [`--- ${spec.name} boot output ---`, bootOutput] : []),
    ].join('\n'),
  };
  return node;
};
