// A real Pacemaker 2.1 + corosync 3 cluster for integration tests, without systemd: every node is
// its own network namespace (a lab host from netns.ts) plus its own mount, UTS (hostname = node
// name), PID and IPC namespaces. PID 1 of a node is a small shell that mounts the node's private
// state over the system paths, runs `corosync -f` and then `pacemakerd -f`, and reaps orphans
// (daemonised postmasters end up there). Killing that PID 1 is a node losing power: the kernel
// SIGKILLs everything in its PID namespace. Nothing here touches a process we did not start, and
// every wait is bounded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, commOf, killInit, NODE_PATH, notRunning, runInNode, waitUntil, type Run } from './lab-node.ts';


/** Binaries a cluster test needs; missingClusterBinaries() names the absent ones. */
export const CLUSTER_BINARIES = [
  'corosync', 'corosync-cfgtool', 'pacemakerd', 'crm_mon', 'cibadmin', 'crm_resource', 'crm_attribute',
  'nsenter', 'unshare', 'runuser', 'ip',
];

/** The binaries of CLUSTER_BINARIES that are not on PATH. */
export const missingClusterBinaries = (): string[] =>
  CLUSTER_BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`], { env: { PATH: NODE_PATH } }).status !== 0);

export interface NodeSpec {
  /** Node name (corosync nodelist name, hostname, Pacemaker's uname). */
  name: string;
  /** The lab network namespace the node lives in. */
  ns: string;
  /** Its ring0 address (the lab address on its interface). */
  address: string;
  /** Extra private bind mounts: a host directory shown at `target` inside the node only. */
  binds?: { source: string; target: string }[];
}

/** Options of the whole cluster. */
export interface ClusterOptions {
  clusterName?: string;
  /** corosync totem token timeout in ms (how long until a silent node is declared lost). */
  tokenMs?: number;
}

/** A running (or stopped) node. */
export interface ClusterNode {
  spec: NodeSpec;
  /** The node's private state (etc/corosync, var/lib/pacemaker, logs). */
  base: string;
  /** Host PID of the node's PID 1 (undefined while stopped). */
  init: number | undefined;
  /** Starts corosync and pacemakerd in fresh namespaces; resolves once both run. */
  start(): Promise<void>;
  /** Whether PID 1 still runs. */
  running(): boolean;
  /** SIGKILLs the node's PID 1 (the kernel ends every process of the node) and waits for it. */
  kill(): Promise<void>;
  /** Runs a command inside all of the node's namespaces (bounded, clean environment). */
  run(argv: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Run;
  /** Host PIDs of the node's corosync and pacemakerd (children of PID 1), when running. */
  daemons(): { corosync?: number; pacemakerd?: number };
  /** The last lines of pacemaker.log, corosync.log and the boot output (for failure messages). */
  logs(lines?: number): string;
  /** The full pacemaker.log text. */
  pacemakerLog(): string;
}

const mkdir = (path: string, mode: number, owner?: { uid: number; gid: number }): string => {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
};

const idOf = (user: string, group: string): { uid: number; gid: number } => ({
  uid: Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim()),
  gid: Number(spawnSync('getent', ['group', group], { encoding: 'utf8' }).stdout.split(':')[2]),
});

/** corosync.conf for the nodes: knet, no crypto, two_node quorum, the nodelist on the lab addresses. */
export const corosyncConf = (nodes: readonly NodeSpec[], o: ClusterOptions = {}): string => [
  'totem {',
  '  version: 2',
  `  cluster_name: ${o.clusterName ?? 'pgbeatlab'}`,
  '  transport: knet',
  '  crypto_cipher: none',
  '  crypto_hash: none',
  `  token: ${o.tokenMs ?? 1000}`,
  '}',
  'logging {',
  '  to_stderr: no',
  '  to_syslog: no',
  '  to_logfile: yes',
  '  logfile: /var/log/corosync/corosync.log',
  '  timestamp: on',
  '}',
  'quorum {',
  '  provider: corosync_votequorum',
  ...(nodes.length === 2 ? ['  two_node: 1'] : []),
  '}',
  'nodelist {',
  ...nodes.flatMap((n, i) => ['  node {', `    name: ${n.name}`, `    nodeid: ${i + 1}`, `    ring0_addr: ${n.address}`, '  }']),
  '}',
  '',
].join('\n');

// PID 1 of a node. Private /run and /dev/shm (libqb's ring buffers are files there, and PIDs repeat
// across PID namespaces), the node's own corosync/pacemaker state and logs bind-mounted over the
// system paths, then the two daemons. The final loop keeps PID 1 reaping orphans (postmasters that
// pg_ctl daemonised) for as long as pacemakerd runs.
const BOOT = [
  'set -e',
  'hostname "$PGB_NODE"',
  'mount -t tmpfs -o mode=755 tmpfs /run',
  'mount -t tmpfs -o mode=1777 tmpfs /dev/shm',
  'mkdir -p /run/resource-agents /run/crm /run/pacemaker /run/postgresql',
  'chown hacluster:haclient /run/crm /run/pacemaker',
  'chown postgres:postgres /run/postgresql && chmod 2775 /run/postgresql',
  'mount --bind "$PGB_BASE/etc-corosync" /etc/corosync',
  'mount --bind "$PGB_BASE/var-lib-corosync" /var/lib/corosync',
  'mount --bind "$PGB_BASE/var-lib-pacemaker" /var/lib/pacemaker',
  'mount --bind "$PGB_BASE/log-pacemaker" /var/log/pacemaker',
  'mount --bind "$PGB_BASE/log-corosync" /var/log/corosync',
  // Extra binds: "source<TAB>target" lines.
  'printf "%s" "$PGB_BINDS" | while IFS="$(printf "\\t")" read -r src dst; do [ -n "$src" ] && mkdir -p "$dst" && mount --bind "$src" "$dst"; done',
  'set +e',
  'corosync -f >/var/log/corosync/corosync.stdout 2>&1 &',
  'i=0',
  'until corosync-cfgtool -s >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 300 ] && { echo "corosync did not come up" >&2; exit 3; }; sleep 0.1; done',
  'PCMK_logfile=/var/log/pacemaker/pacemaker.log pacemakerd -f >/var/log/pacemaker/pacemakerd.stdout 2>&1 &',
  'pm=$!',
  'while kill -0 $pm 2>/dev/null; do wait; done',
].join('\n');

const tailOf = (path: string, lines: number): string => {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(none)';
  }
};

/** Makes one node's private directories and config; start() boots it. */
const makeNode = (spec: NodeSpec, all: readonly NodeSpec[], o: ClusterOptions, temps: string[]): ClusterNode => {
  const base = mkdtempSync(join(tmpdir(), `pgbeat-pcmk-${spec.name}-`));
  temps.push(base);
  chmodSync(base, 0o755);
  const ha = idOf('hacluster', 'haclient');
  mkdir(join(base, 'etc-corosync'), 0o755);
  mkdir(join(base, 'var-lib-corosync'), 0o755);
  mkdir(join(base, 'log-corosync'), 0o755);
  mkdir(join(base, 'var-lib-pacemaker'), 0o755);
  for (const d of ['cib', 'pengine', 'blackbox', 'cores']) mkdir(join(base, 'var-lib-pacemaker', d), 0o750, ha);
  mkdir(join(base, 'log-pacemaker'), 0o770, ha);
  writeFileSync(join(base, 'etc-corosync', 'corosync.conf'), corosyncConf(all, o));

  let child: ChildProcess | undefined;
  let outer: number | undefined;
  let bootOutput = '';
  let exited: Promise<void> = Promise.resolve();
  const node: ClusterNode = {
    spec,
    base,
    init: undefined,
    start: async () => {
      if (node.running()) throw new Error(`${spec.name} is already running`);
      bootOutput = '';
      const binds = (spec.binds ?? []).map((b) => `${b.source}\t${b.target}\n`).join('');
      child = spawn('ip', [
        'netns', 'exec', spec.ns, 'unshare', '-m', '-u', '-p', '-i', '-f', '--mount-proc', '--propagation', 'private',
        'sh', '-c', BOOT,
      ], { env: { PATH: NODE_PATH, LANG: 'C', PGB_NODE: spec.name, PGB_BASE: base, PGB_BINDS: binds }, stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
      child.stdout!.on('data', (b: Buffer) => (bootOutput += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (bootOutput += b.toString()));
      const c = child;
      exited = new Promise((resolve) => c.on('exit', () => resolve()));
      outer = child.pid;
      // `ip netns exec` execs unshare, whose only child (--fork) is the node's PID 1.
      const found = await waitUntil(() => {
        node.init = outer === undefined ? undefined : childrenOf(outer)[0];
        return node.init !== undefined;
      }, { timeoutMs: 5_000, stepMs: 20 });
      if (!found) throw new Error(`${spec.name}: no PID 1 appeared\n${bootOutput}`);
      const up = await waitUntil(() => {
        const d = node.daemons();
        return d.corosync !== undefined && d.pacemakerd !== undefined;
      }, { timeoutMs: 40_000, stepMs: 100 });
      if (!up) throw new Error(`${spec.name}: corosync and pacemakerd did not both start\n${node.logs()}`);
    },
    running: () => node.init !== undefined && child !== undefined && child.exitCode === null && child.signalCode === null,
    kill: async () => {
      if (!node.running()) return;
      await killInit(node.init!, exited);
      node.init = undefined;
    },
    run: (argv, opts = {}) => (node.running() ? runInNode(node.init!, ['-i'], argv, opts) : notRunning(spec.name)),
    daemons: () => {
      if (node.init === undefined) return {};
      const out: { corosync?: number; pacemakerd?: number } = {};
      for (const pid of childrenOf(node.init)) {
        const comm = commOf(pid);
        if (comm === 'corosync') out.corosync = pid;
        if (comm === 'pacemakerd') out.pacemakerd = pid;
      }
      return out;
    },
    logs: (lines = 40) => [
      `--- ${spec.name} pacemaker.log (last ${lines}) ---`,
      tailOf(join(base, 'log-pacemaker', 'pacemaker.log'), lines),
      `--- ${spec.name} corosync.log (last 10) ---`,
      tailOf(join(base, 'log-corosync', 'corosync.log'), 10),
      ...(bootOutput ? [`--- ${spec.name} boot output ---`, bootOutput] : []),
    ].join('\n'),
    pacemakerLog: () => (existsSync(join(base, 'log-pacemaker', 'pacemaker.log')) ? readFileSync(join(base, 'log-pacemaker', 'pacemaker.log'), 'utf8') : ''),
  };
  return node;
};

/** The cluster: its nodes, helpers over them, and a teardown that undoes everything. */
export interface PacemakerCluster {
  nodes: ClusterNode[];
  node(name: string): ClusterNode;
  /** Starts every node (in parallel). */
  startAll(): Promise<void>;
  /** Waits until `node`'s crm_mon shows a DC and every listed node online (bounded). */
  waitOnline(from: string, names: string[], timeoutMs?: number): Promise<boolean>;
  /** Kills every node still running (PID 1 of each, by PID) and removes the temp dirs. */
  cleanup(): Promise<void>;
}

/** Prepares (does not start) a cluster of `specs`. */
export const createPacemakerCluster = (specs: NodeSpec[], o: ClusterOptions = {}): PacemakerCluster => {
  const temps: string[] = [];
  const nodes = specs.map((s) => makeNode(s, specs, o, temps));
  const byName = (name: string): ClusterNode => {
    const n = nodes.find((x) => x.spec.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };
  return {
    nodes,
    node: byName,
    startAll: async () => {
      await Promise.all(nodes.map((n) => n.start()));
    },
    waitOnline: (from, names, timeoutMs = 90_000) =>
      waitUntil(() => {
        const r = byName(from).run(['crm_mon', '-1', '--output-as=xml'], { timeoutMs: 10_000 });
        if (r.status !== 0 || !/<current_dc present="true"/.test(r.stdout)) return false;
        return names.every((n) => new RegExp(`<node name="${n}" id="\\d+" online="true"`).test(r.stdout));
      }, { timeoutMs, stepMs: 1_000 }),
    cleanup: async () => {
      for (const n of nodes) await n.kill();
      for (const d of temps) rmSync(d, { recursive: true, force: true });
    },
  };
};
