// The shared two-node bed (issue 10's lab, the manager's integration tests, the benchmark): build
// it with an engine, run the client writer and the two-primaries probers, inject faults (faults.ts),
// read the report, and take everything down. Usable from node:test files and from a script.
//
//   const bed = await buildBed({ engine: heartbeatEngine() });
//   try {
//     await bed.startClients();
//     const fault = await powerLoss(bed, 'castor');
//     await bed.waitForWritesOn('pollux', fault.at, 60_000);
//     await bed.stopClients();
//     console.log(formatTrial('power loss', bed.report(fault.at)));
//   } finally {
//     await bed.down();
//   }
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../agent.ts';
import { waitUntil } from '../lab-node.ts';
import { prepareLabPostgres } from '../lab-postgres.ts';
import { addressesOf, ip } from '../netns.ts';
import { parseJsonLines, type ProbeRecord, type WriteRecord } from './client/records.ts';
import type { BedBase, Engine } from './engine.ts';
import { resetAddresses } from './faults.ts';
import { Ledger, processStartTime, sameProcess, type LedgerEntry } from './ledger.ts';
import { NODE_CONF, PGDATA, SOCKET_DIR, type BedNode } from './node.ts';
import { analyzeTrial, type TrialReport } from './report.ts';
import { makeSerialLine } from './serial.ts';
import { inRecovery, sql, streamsFrom } from './sql.ts';
import { histogramSvg } from './svg.ts';
import { buildTimeline, type TimelineEvent } from './timeline.ts';
import { ADDR, createTopology, NIC, NODE_NAMES, type NodeName, type Topology } from './topology.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Client cadence. */
export interface ClientOptions {
  writeIntervalMs?: number;
  probeIntervalMs?: number;
  /** The clients end on their own after this long (default 3600 s). */
  maxSeconds?: number;
}

/** A built bed. */
export interface Bed extends BedBase {
  engine: Engine;
  nodes: Record<NodeName, BedNode>;
  /** Where the writer's and probers' JSON lines go. */
  files: { writes: string; probes: Record<NodeName, string> };
  /** Running nodes holding the VIP now. */
  vipHolders(): NodeName[];
  /** Nodes whose PostgreSQL answers as a primary now. */
  primaries(): NodeName[];
  /** Starts the writer (client host, through the VIP) and one prober per node; waits for the first acknowledged write. */
  startClients(o?: ClientOptions): Promise<void>;
  /** How many of the writer and the probers run now. */
  clientsRunning(): number;
  /** Stops them (SIGTERM by PID, SIGKILL after 3 s). */
  stopClients(): Promise<void>;
  /** The writer's records so far. */
  writes(): WriteRecord[];
  probes(): ProbeRecord[];
  /** Waits until a write sent after `since` is acknowledged by `node` (any node when undefined; bounded). */
  waitForWritesOn(node: NodeName | undefined, since: number, timeoutMs: number): Promise<boolean>;
  /**
   * Brings a node back after a power loss or isolation: its links up, the node booted again if it
   * is down, and its database made a standby streaming from the other node (the engine's way;
   * rewound with a report when it diverged). Throws when it does not stream within 90 s.
   */
  rejoin(node: NodeName): Promise<void>;
  /** The single primary holding the VIP, if there is exactly one. */
  finalPrimary(): NodeName | undefined;
  /**
   * The checker: the trial's report against the final primary's rows, or against `against`'s rows
   * (when two primaries are left, say); throws when neither names one node.
   */
  report(faultAt: number, against?: NodeName): TrialReport;
  /** Writes the report's picture into the bed directory (or `path`) and returns its path. */
  writeSvg(r: TrialReport, title: string, path?: string): string;
  /**
   * Where the time went after a fault: the engine's log steps (peer dead, witness record, promoted,
   * VIP up...) and the writer's first acknowledged write after it (by `o.to` when given, sent after
   * `o.after` when given), with offsets from the fault.
   */
  timeline(fault: { at: number; name: string; node: string }, until?: number, o?: { to?: string; after?: number }): TimelineEvent[];
  /** Engine and server logs, for failure messages. */
  diagnose(): string;
  /** Removes every namespace, process, mount and file the bed made; safe to run twice. */
  down(): Promise<string[]>;
}

/** Options of buildBed. */
export interface BedOptions {
  engine: Engine;
  /** Where to keep the ledger (for `lab down` from another process); default: in the bed directory. */
  stateFile?: string;
  /** Progress lines (the lab's progress display). */
  progress?: (line: string) => void;
}

/** Builds the network, PostgreSQL directories, the serial line and the engine's cluster, and waits for castor primary + pollux streaming. */
export const buildBed = async (o: BedOptions): Promise<Bed> => {
  const say = o.progress ?? (() => undefined);
  const base = mkdtempSync(join(tmpdir(), 'pgbeat-bed-'));
  chmodSync(base, 0o755);
  const ledger = new Ledger(o.stateFile ?? join(base, 'state.json'));
  ledger.add({ kind: 'dir', path: base });
  let bed: Bed | undefined;
  try {
    say('network: service LAN, heartbeat link, client and witness hosts');
    const topology = createTopology(ledger);
    say('PostgreSQL: initdb on castor');
    const temps: string[] = [];
    let dirs: Map<string, string>;
    try {
      dirs = prepareLabPostgres({
        nodes: ['castor', 'pollux'], socketDir: SOCKET_DIR, clusterName: 'pgbeat_bed', subnet: ADDR.serviceSubnet, temps,
        settings: [
          `include_if_exists = '${NODE_CONF}'`, 'max_connections = 200',
          // A cut-off peer's walsender must not hold a fast shutdown for the default 60 s.
          "wal_sender_timeout = '10s'", "wal_receiver_timeout = '10s'",
          // A standby whose primary went away (switchover, restart) tries it again four times a second, not every 5 s.
          "wal_retrieve_retry_interval = '250ms'",
        ],
      });
    } finally {
      for (const path of temps) ledger.add({ kind: 'dir', path });
    }
    const labDirs = { castor: dirs.get('castor')!, pollux: dirs.get('pollux')! };
    for (const n of NODE_NAMES) writeFileSync(join(labDirs[n], 'bed-node.conf'), `pgbeat_bed.node = '${n}'\n`, { mode: 0o644 });
    const serial = makeSerialLine(base, ledger);
    await serial.up();
    const b: BedBase = { ledger, base, topology, labDirs, serial };
    ledger.setMeta('bed', { base, topology, labDirs } satisfies BedMeta);
    const nodes = o.engine.makeNodes(b);
    bed = makeBed(b, o.engine, nodes);
    say(`${o.engine.name}: starting castor and pollux`);
    await o.engine.up(b, nodes);
    sql(nodes.castor, 'CREATE TABLE IF NOT EXISTS bed_writes (seq bigint PRIMARY KEY, node text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    sql(nodes.castor, 'CREATE TABLE IF NOT EXISTS bed_probe (node text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    say('pollux: standby');
    if (!streamsFrom(nodes.castor, 'pollux')) await o.engine.standby(b, nodes, 'pollux');
    const streaming = await waitUntil(() => streamsFrom(nodes.castor, 'pollux'), { timeoutMs: 60_000, stepMs: 250 });
    if (!streaming) throw new Error(`pollux does not stream from castor:\n${bed.diagnose()}`);
    const holders = bed.vipHolders();
    if (holders.join() !== 'castor') throw new Error(`the VIP is on [${holders.join(', ')}], not on castor alone:\n${bed.diagnose()}`);
    say('up: castor primary with the VIP, pollux streaming');
    return bed;
  } catch (e) {
    if (bed) await bed.down();
    else await ledger.undoAll();
    throw e;
  }
};

/** What attachBed needs besides the ledger's processes (saved in the state file by buildBed). */
interface BedMeta {
  base: string;
  topology: Topology;
  labDirs: Record<NodeName, string>;
}

/**
 * The bed built by another process (the lab's `up`), from its state file: its nodes, serial line and
 * clients taken over by PID (with their start times), so this process can inject faults, read the
 * report and take it down. `engine` must be made with the options the bed was built with.
 */
export const attachBed = (stateFile: string, engine: Engine): Bed => {
  if (!existsSync(stateFile)) throw new Error(`no bed recorded at ${stateFile}`);
  const ledger = Ledger.load(stateFile);
  const m = ledger.meta['bed'] as BedMeta | undefined;
  if (!m) throw new Error(`${stateFile} records no finished bed (its build failed or was interrupted)`);
  // The newest live process recorded as `what`.
  const live = (what: string): Extract<LedgerEntry, { kind: 'process' }> | undefined => [...ledger.entries].reverse()
    .find((e): e is Extract<LedgerEntry, { kind: 'process' }> => e.kind === 'process' && e.what === what && sameProcess(e.pid, e.startTime));
  const socat = live('socat (serial line)');
  const serial = makeSerialLine(m.base, ledger, socat && { pid: socat.pid, startTime: socat.startTime });
  const b: BedBase = { ledger, base: m.base, topology: m.topology, labDirs: m.labDirs, serial };
  const nodes = engine.makeNodes(b);
  for (const n of NODE_NAMES) {
    const init = live(`${n} PID 1`);
    if (!init) continue;
    const adopt = nodes[n].adopt;
    if (!adopt) throw new Error(`the ${engine.name} engine's nodes cannot be taken over from another process`);
    adopt(init.pid, init.startTime);
  }
  const clients = ['writer', ...NODE_NAMES.map((n) => `prober-${n}`)].flatMap((what) => {
    const e = live(what);
    return e ? [{ pid: e.pid, startTime: e.startTime }] : [];
  });
  const c = ledger.meta['clients'] as { probeIntervalMs?: number } | undefined;
  return makeBed(b, engine, nodes, { clients, probeIntervalMs: c?.probeIntervalMs });
};

/**
 * A reader of a JSON-lines file that only grows: each call parses what was appended since the last
 * (up to the last complete line) and returns every record so far (the same array, grown).
 */
const jsonLinesTail = <T>(file: string): (() => T[]) => {
  let offset = 0;
  const records: T[] = [];
  return () => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return records;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < offset) {
        offset = 0;
        records.length = 0;
      }
      if (size > offset) {
        const buf = Buffer.alloc(size - offset);
        const got = readSync(fd, buf, 0, buf.length, offset);
        const end = buf.subarray(0, got).lastIndexOf(10);
        if (end >= 0) {
          for (const r of parseJsonLines<T>(buf.subarray(0, end + 1).toString('utf8'))) records.push(r);
          offset += end + 1;
        }
      }
    } finally {
      closeSync(fd);
    }
    return records;
  };
};

// SIGQUIT (immediate shutdown) to the postmaster of PGDATA, then up to 5 s for it to exit.
const STOP_POSTMASTER = `pid=$(head -1 ${PGDATA}/postmaster.pid 2>/dev/null) || exit 0; [ -n "$pid" ] || exit 0; ` +
  'kill -QUIT "$pid" 2>/dev/null || exit 0; i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; true';

const readOr = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** The pid and start time of a client process (started here or by the process that built the bed). */
interface Started {
  pid: number;
  startTime: string;
}

const makeBed = (b: BedBase, engine: Engine, nodes: Record<NodeName, BedNode>, adopted: { clients: Started[]; probeIntervalMs?: number | undefined } = { clients: [] }): Bed => {
  const files = { writes: join(b.base, 'writes.jsonl'), probes: { castor: join(b.base, 'probes-castor.jsonl'), pollux: join(b.base, 'probes-pollux.jsonl') } };
  const clients: Started[] = [...adopted.clients];
  const startClient = (ns: string, main: string, args: string[], what: string): Started => {
    const errFd = openSync(join(b.base, `${what}.stderr`), 'a');
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(HERE, 'client', main), ...args], {
      cwd: ROOT, stdio: ['ignore', 'ignore', errFd], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' },
    });
    closeSync(errFd);
    if (child.pid === undefined) throw new Error(`${what} did not start`);
    b.ledger.addProcess(child.pid, what);
    const s = { pid: child.pid, startTime: processStartTime(child.pid) };
    clients.push(s);
    return s;
  };
  // A powered-off node's namespace keeps its addresses: only a running node holds the VIP.
  const vipHolders = (): NodeName[] => NODE_NAMES.filter((n) => {
    if (!nodes[n].running()) return false;
    try {
      return addressesOf(b.topology.ns[n], NIC.service).includes(`${ADDR.vip}/${ADDR.prefix}`);
    } catch {
      return false;
    }
  });
  const primaries = (): NodeName[] => NODE_NAMES.filter((n) => inRecovery(nodes[n]) === 'f');
  const writes = jsonLinesTail<WriteRecord>(files.writes);
  const probeTails = NODE_NAMES.map((n) => jsonLinesTail<ProbeRecord>(files.probes[n]));
  const probes = (): ProbeRecord[] => probeTails.flatMap((t) => t());
  let probeIntervalMs = adopted.probeIntervalMs ?? 50;
  let downDone: Promise<string[]> | undefined;
  const bed: Bed = {
    ...b, engine, nodes, files, vipHolders, primaries, writes, probes,
    startClients: async (co = {}) => {
      probeIntervalMs = co.probeIntervalMs ?? 50;
      b.ledger.setMeta('clients', { probeIntervalMs });
      const maxSeconds = String(co.maxSeconds ?? 3600);
      for (const n of NODE_NAMES) {
        startClient(b.topology.ns[n], 'prober-main.ts', ['--host', '127.0.0.1', '--node', n, '--out', files.probes[n], '--interval-ms', String(probeIntervalMs), '--max-seconds', maxSeconds], `prober-${n}`);
      }
      // Sequence numbers go on from the last run of the writer in this bed (they are the rows' keys).
      const firstSeq = writes().reduce((m, w) => Math.max(m, w.seq), 0) + 1;
      startClient(b.topology.ns.client, 'writer-main.ts', ['--host', ADDR.vip, '--out', files.writes, '--interval-ms', String(co.writeIntervalMs ?? 20), '--first-seq', String(firstSeq), '--max-seconds', maxSeconds], 'writer');
      const first = await waitUntil(() => writes().some((w) => w.ack !== undefined && w.seq >= firstSeq), { timeoutMs: 20_000, stepMs: 100 });
      if (!first) throw new Error(`the writer got no write acknowledged through the VIP:\n${readOr(join(b.base, 'writer.stderr'))}\n${writes().slice(-3).map((w) => JSON.stringify(w)).join('\n')}`);
    },
    clientsRunning: () => clients.filter((c) => sameProcess(c.pid, c.startTime)).length,
    stopClients: async () => {
      for (const [signal, ms] of [['SIGTERM', 3_000], ['SIGKILL', 3_000]] as const) {
        for (const c of clients) {
          if (!sameProcess(c.pid, c.startTime)) continue;
          try {
            process.kill(c.pid, signal);
          } catch {
            // Gone.
          }
        }
        await waitUntil(() => clients.every((c) => !sameProcess(c.pid, c.startTime)), { timeoutMs: ms, stepMs: 20 });
      }
      for (const c of clients.splice(0)) b.ledger.remove((e) => e.kind === 'process' && e.pid === c.pid);
    },
    waitForWritesOn: (node, since, timeoutMs) =>
      waitUntil(() => writes().some((w) => w.ack !== undefined && w.sent >= since && (node === undefined || w.node === node)), { timeoutMs, stepMs: 100 }),
    rejoin: async (node) => {
      const ns = b.topology.ns[node];
      // A machine that boots again has forgotten the addresses its agents added (the VIP).
      if (!nodes[node].running()) resetAddresses(bed, node);
      for (const nic of [NIC.service, NIC.heartbeat]) ip('-n', ns, 'link', 'set', nic, 'up');
      if (!nodes[node].running()) await nodes[node].start();
      const other = NODE_NAMES.find((n) => n !== node)!;
      const streams = (): boolean => streamsFrom(nodes[other], node);
      if (!(await waitUntil(streams, { timeoutMs: 5_000, stepMs: 250 }))) await engine.standby(b, nodes, node);
      if (!(await waitUntil(streams, { timeoutMs: 90_000, stepMs: 250 }))) throw new Error(`${node} does not stream from ${other}:\n${bed.diagnose()}`);
    },
    finalPrimary: () => {
      const p = primaries();
      const v = vipHolders();
      return p.length === 1 && v.length === 1 && p[0] === v[0] ? p[0] : undefined;
    },
    report: (faultAt, against) => {
      const final = against ?? bed.finalPrimary();
      if (!final) throw new Error(`no single primary holding the VIP (primaries: ${primaries().join(', ') || 'none'}; VIP on: ${vipHolders().join(', ') || 'none'}):\n${bed.diagnose()}`);
      // The rows as runs of consecutive sequence numbers: a few lines however long the bed ran. A
      // write acknowledged before the query started is in its snapshot; one acknowledged later (the
      // writer still runs, in the lab) may not be, and is left out of the check.
      const cut = Date.now();
      const runs = sql(nodes[final], 'SELECT min(seq), max(seq) FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS g FROM bed_writes) r GROUP BY g ORDER BY 1', 60_000);
      const onFinal = new Set<number>();
      for (const line of runs.split('\n').filter(Boolean)) {
        const [lo, hi] = line.split('|').map(Number) as [number, number];
        for (let q = lo; q <= hi; q++) onFinal.add(q);
      }
      return analyzeTrial({ writes: writes().filter((w) => (w.ack ?? w.failed ?? 0) <= cut), probes: probes(), onFinalPrimary: onFinal, faultAt, probeHoldMs: 2 * probeIntervalMs });
    },
    writeSvg: (r, title, path) => {
      const file = path ?? join(b.base, `${title.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}.svg`);
      writeFileSync(file, histogramSvg(r, title));
      return file;
    },
    timeline: (fault, until, o = {}) => buildTimeline({
      faultAt: fault.at, fault: fault.name, node: fault.node, writes: writes(), ...(until === undefined ? {} : { until }), ...o,
      logs: Object.fromEntries(Object.entries(engine.logFiles?.(b) ?? {}).map(([host, file]) => [host, readOr(file)])),
    }),
    diagnose: () => [
      ...NODE_NAMES.map((n) => `=== ${n}: running=${nodes[n].running()} vip=${vipHolders().includes(n)} in_recovery=${inRecovery(nodes[n])} ===`),
      engine.diagnose(nodes),
      ...NODE_NAMES.map((n) => `--- ${n} server log (last 15) ---\n${serverLog(b.labDirs[n]).split('\n').slice(-15).join('\n')}`),
    ].join('\n'),
    down: () => {
      downDone ??= (async () => {
        await bed.stopClients();
        // An immediate stop of each running PostgreSQL first, so no SysV segment outlives the nodes.
        // (The postmaster's PID is in the node's PID namespace: the signal is sent from inside it.)
        for (const n of NODE_NAMES) {
          if (nodes[n].running()) nodes[n].run(['sh', '-c', STOP_POSTMASTER], { timeoutMs: 10_000 });
        }
        for (const n of NODE_NAMES) await nodes[n].kill();
        for (const n of NODE_NAMES) removeLeftoverShm(b.labDirs[n]);
        await b.serial.down();
        return b.ledger.undoAll();
      })();
      return downDone;
    },
  };
  return bed;
};

/** The agent's server log(s) in a node's lab directory (host side). */
const serverLog = (labDir: string): string => {
  try {
    const dir = join(labDir, 'log');
    return readdirSync(dir).filter((f) => f.endsWith('-server.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('').trimEnd();
  } catch {
    return '';
  }
};

/**
 * Removes the SysV shared memory segment a SIGKILLed postmaster left (its key and id are on line 7
 * of postmaster.pid), only when nothing is attached and the key matches.
 */
const removeLeftoverShm = (labDir: string): void => {
  const line = readOr(join(labDir, 'data', 'postmaster.pid')).split('\n')[6]?.trim();
  const m = line ? /^(\d+)\s+(\d+)$/.exec(line) : null;
  if (!m) return;
  const [, key, id] = m;
  const seg = readOr('/proc/sysvipc/shm').split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[1] === id);
  // /proc/sysvipc/shm columns: key shmid perms size cpid lpid nattch ...
  if (seg && Number(seg[0]) === Number(key) && seg[6] === '0') spawnSync('ipcrm', ['-m', id!], { timeout: 5_000 });
};
