// The failover benchmark (`npm run bench -- failover`, issues 8 and 10): on the shared two-node bed
// (test/helpers/bed/), for each engine (pgbeat, heartbeat 3.0.6 and Pacemaker + corosync, all running
// our agents) and each fault (power loss of the primary node, the primary cut off, graceful standby,
// postmaster crash), N trials, each on a freshly built bed; per engine and fault the median gap
// (fault -> first acknowledged write through the VIP), acknowledged writes lost and time with two
// nodes acknowledging writes, and pgbeat/engine ratios. On the first pgbeat bed, before its trial,
// the pgbeat daemon's CPU (% of one core from /proc/<pid>/stat over a quiet interval) and RSS at
// keepalive 100 ms; first, on a bed of its own, heartbeat 3.0.6's (all its processes) at the same
// keepalive on the same media, and the ratio. As root. Each trial takes the machine-wide lock the bed's tests share
// (/tmp/pgbeat-cluster.lock; the bed's namespaces have fixed names) and releases it after its bed is
// down, so other bed work interleaves with a long run; do not wrap the run in flock yourself (it would
// wait for itself), or set BENCH_LOCK_HELD=1 when you do.
//   node --import tsx scripts/lab/bench-failover.ts [--engines pgbeat,heartbeat,pacemaker]
//        [--faults power-loss,isolate,switchover,postmaster-crash] [--trials N] [--report DIR]
//   node --import tsx scripts/lab/bench-failover.ts down     (removes what a crashed run left)
//   node --import tsx scripts/lab/bench-failover.ts daemon   (only the daemon figure: one pgbeat bed, up until
//        castor records pollux as its synchronous standby, BENCH_DAEMON_SECONDS quiet, both daemons sampled, down;
//        then the same on a heartbeat 3.0.6 bed at the same keepalive and media, and the ratio)
//   BENCH_DAEMON_STOCK=0         skip the heartbeat 3.0.6 daemon figure (the bare Node floor, daemon-floor.mjs, always runs)
//   BENCH_FAILOVER_TRIALS=3      trials per engine and fault (--trials wins)
//   BENCH_FAILOVER_WAIT_S=30     how long a trial waits for the first acknowledged write after the fault
//   BENCH_FAILOVER_HOLD_S=5      how long it keeps writing after that (a cut-off primary is healed then)
//   BENCH_DAEMON_SECONDS=10      the quiet interval of the daemon's CPU figure
// --report DIR writes DIR/failover.md (the table, the machine, the date) and one picture per engine
// and fault (the trial with the median gap) and prints their paths. Exit 0 whatever the figures; 1
// when no trial could run; 2 on bad arguments.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildBed, type Bed } from '../../test/helpers/bed/bed.ts';
import type { Engine } from '../../test/helpers/bed/engine.ts';
import { heartbeatEngine } from '../../test/helpers/bed/engines/heartbeat.ts';
import { pacemakerEngine } from '../../test/helpers/bed/engines/pacemaker.ts';
import { pgbeatEngine } from '../../test/helpers/bed/engines/pgbeat.ts';
import { descendants, isolate, postmasterCrash, powerLoss, switchover, type Fault } from '../../test/helpers/bed/faults.ts';
import {
  cpuModel, machineText, markdownTable, summarize, tableRows, textTable, trialGapMs, type Machine, type TrialFigures,
} from '../../test/helpers/bed/figures.ts';
import { Ledger } from '../../test/helpers/bed/ledger.ts';
import { trySql } from '../../test/helpers/bed/sql.ts';
import { waitUntil } from '../../test/helpers/lab-node.ts';
import { cpuPercent, sampleProcess } from '../../test/helpers/bed/proc-cpu.ts';
import { gapBarsSvg } from '../../test/helpers/bed/gap-bars-svg.ts';
import { analyzeTrial, formatTrial, type TrialReport } from '../../test/helpers/bed/report.ts';
import { histogramSvg } from '../../test/helpers/bed/svg.ts';
import { NODE_NAMES, type NodeName } from '../../test/helpers/bed/topology.ts';
import { installIntoSystem } from '../../test/helpers/install.ts';
import { pinnedNode } from '../lib/runtime.mjs';

/** The lock every bed user takes (scripts/test.mjs, the helpers' trials). */
const LOCK = '/tmp/pgbeat-cluster.lock';

/**
 * Takes LOCK: flock(1) holds it for a child shell that waits for its standard input to close; the
 * returned function closes it (and the lock goes with the child, also if this process dies).
 */
const takeLock = async (): Promise<() => Promise<void>> => {
  if (process.env['BENCH_LOCK_HELD'] === '1') return async () => undefined;
  const child = spawn('flock', ['-w', '7200', LOCK, 'sh', '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const got = await Promise.race([
    new Promise<boolean>((r) => child.stdout.once('data', () => r(true))),
    exited.then(() => false),
  ]);
  if (!got) throw new Error(`could not take ${LOCK} within 2 hours (flock ended first)`);
  return async () => {
    child.stdin.end();
    await exited;
  };
};

/** Where a run keeps its ledger, so `down` can undo a run that crashed. */
const STATE_FILE = '/tmp/pgbeat-bench-failover.state.json';

const ENGINES: Record<string, () => Engine> = {
  // fallback with the witness: the setup that keeps writing when the standby's node is lost, safely.
  // monitor_interval at its default (10 s), not the bed's 2 s: the full OCF monitor is forked that
  // often, and its agents count in the daemon's CPU figure; no fault here waits for it (the core's
  // probe sees a crashed postmaster within a tick).
  pgbeat: () => pgbeatEngine({ syncMode: 'fallback', keepalive: '100ms', monitorInterval: '10' }),
  heartbeat: () => heartbeatEngine(),
  pacemaker: () => pacemakerEngine(),
};

const FAULTS: Record<string, { label: string; inject: (b: Bed) => Promise<Fault> }> = {
  'power-loss': { label: 'power loss', inject: (b) => powerLoss(b, 'castor') },
  isolate: { label: 'primary cut off', inject: (b) => isolate(b, 'castor') },
  switchover: { label: 'graceful standby', inject: (b) => switchover(b, 'castor') },
  'postmaster-crash': { label: 'postmaster crash', inject: (b) => postmasterCrash(b, 'castor') },
};

const fail = (why: string): never => {
  console.error(`bench-failover: ${why}`);
  process.exit(2);
};

const args = process.argv.slice(2);
if (args[0] === 'down') {
  const failed = await Ledger.load(STATE_FILE).undoAll();
  console.log(failed.length ? `could not undo: ${failed.join('; ')}` : 'down: nothing left');
  process.exit(failed.length ? 1 : 0);
}
const daemonOnly = args[0] === 'daemon';
if (daemonOnly) args.shift();
const KNOWN = ['engines', 'faults', 'trials', 'report'];
for (let i = 0; i < args.length; i += 2) {
  const name = args[i]!.replace(/^--/, '');
  if (!args[i]!.startsWith('--') || !KNOWN.includes(name)) fail(`unknown argument ${args[i]} (known: ${KNOWN.map((k) => `--${k}`).join(', ')}, or down)`);
  if (args[i + 1] === undefined) fail(`${args[i]} needs a value`);
}
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const list = (name: string, known: Record<string, unknown>): string[] => {
  const v = (opt(name) ?? Object.keys(known).join(',')).split(',').filter(Boolean);
  const bad = v.filter((x) => !(x in known));
  if (bad.length || v.length === 0) fail(`--${name}: unknown ${bad.join(', ') || '(none given)'}; choose from ${Object.keys(known).join(', ')}`);
  return v;
};
const whole = (what: string, text: string, max: number): number => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) fail(`${what} must be a whole number from 1 to ${max}, not '${text}'`);
  return Number(text);
};
const engineKeys = list('engines', ENGINES);
const faultKeys = list('faults', FAULTS);
const trials = whole('--trials (BENCH_FAILOVER_TRIALS)', opt('trials') ?? process.env['BENCH_FAILOVER_TRIALS'] ?? '3', 100);
const waitMs = whole('BENCH_FAILOVER_WAIT_S', process.env['BENCH_FAILOVER_WAIT_S'] ?? '30', 600) * 1000;
const holdMs = whole('BENCH_FAILOVER_HOLD_S', process.env['BENCH_FAILOVER_HOLD_S'] ?? '5', 600) * 1000;
const daemonSeconds = whole('BENCH_DAEMON_SECONDS', process.env['BENCH_DAEMON_SECONDS'] ?? '10', 600);
const reportDir = opt('report') === undefined ? undefined : resolve(opt('report')!);
if (process.getuid?.() !== 0) fail('needs root (network namespaces, the system\'s OCF and ha.d directories)');

/** The pgbeat daemon of a node: the process under its PID 1 running `pgbeat start`. */
const pgbeatDaemon = (bed: Bed, n: NodeName): number | undefined => {
  const init = bed.nodes[n].init();
  if (init === undefined) return undefined;
  return descendants(init).find((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return argv.some((a) => a.endsWith('/pgbeat')) && argv.includes('start');
    } catch {
      return false;
    }
  });
};

/** The daemon's cost on each node over a quiet interval (no client, castor primary, pollux streaming). */
interface DaemonCost {
  engine: string;
  node: NodeName;
  /** The daemon's processes (pgbeat: one; heartbeat: master control, FIFO reader, a reader and writer per medium). */
  processes: number;
  cpuOwn: number;
  cpuWithAgents: number;
  /** Summed over its processes (heartbeat's share pages: an upper bound). */
  rssMb: number | undefined;
}

/** heartbeat 3.0.6's processes of a node (every process named heartbeat under its PID 1). */
const heartbeatDaemons = (bed: Bed, n: NodeName): number[] => {
  const init = bed.nodes[n].init();
  if (init === undefined) return [];
  return descendants(init).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'heartbeat';
    } catch {
      return false;
    }
  });
};

/** Samples `pids` of each node over daemonSeconds after a 2 s settle. */
const measureProcesses = async (engine: string, pidsOf: (n: NodeName) => number[]): Promise<DaemonCost[]> => {
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  await sleep(2_000); // settle after start-up
  const nodes = NODE_NAMES.map((n) => ({ n, pids: pidsOf(n) }));
  const missing = nodes.filter((x) => x.pids.length === 0).map((x) => x.n);
  if (missing.length) throw new Error(`no ${engine} daemon found on ${missing.join(', ')}`);
  const sampleAll = (pids: number[]) => pids.map((p) => sampleProcess(p));
  const before = nodes.map((x) => sampleAll(x.pids));
  const t0 = performance.now();
  await sleep(daemonSeconds * 1000);
  const after = nodes.map((x) => sampleAll(x.pids));
  if (process.env['BENCH_DAEMON_DETAIL'] === '1') {
    for (const x of nodes) {
      for (const p of x.pids) {
        const st = readFileSync(`/proc/${p}/status`, 'utf8').split('\n').filter((l) => /^(RssAnon|RssFile|VmHWM)/.test(l)).join(', ').replace(/\s+/g, ' ');
        console.log(`  ${x.n} ${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 160)}; ${st}`);
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return nodes.map((x, i) => {
    let own = 0;
    let withChildren = 0;
    let kb: number | undefined = 0;
    x.pids.forEach((_, j) => {
      const c = cpuPercent(before[i]![j]!.ticks, after[i]![j]!.ticks, hz, seconds);
      own += c.own;
      withChildren += c.withChildren;
      const r = after[i]![j]!.rssKb;
      kb = kb === undefined || r === undefined ? undefined : kb + r;
    });
    return { engine, node: x.n, processes: x.pids.length, cpuOwn: own, cpuWithAgents: withChildren, rssMb: kb === undefined ? undefined : kb / 1024 };
  });
};

const measureDaemons = async (bed: Bed): Promise<DaemonCost[]> => {
  // Quiet: castor has recorded pollux as its synchronous standby (pgbeat's setSync is done).
  const synced = await waitUntil(() => /pollux/.test(trySql(bed.nodes.castor, 'SHOW synchronous_standby_names') ?? ''), { timeoutMs: 60_000, stepMs: 250 });
  if (!synced) throw new Error('castor did not record pollux as its synchronous standby within 60 s');
  return measureProcesses('pgbeat', (n) => { const p = pgbeatDaemon(bed, n); return p === undefined ? [] : [p]; });
};

/**
 * The stock daemon at the same keepalive on the same media (ucast on the heartbeat link and on the
 * service LAN, and the serial line): heartbeat 3.0.6 on its own bed, the standby streaming.
 */
const STOCK_DAEMON_ENGINE = (): Engine => heartbeatEngine({ keepalive: '100ms', deadtime: '500ms', warntime: '300ms', serial: true, baud: 115200 });
const measureStockDaemons = async (): Promise<DaemonCost[]> => {
  current = await buildBed({ engine: STOCK_DAEMON_ENGINE(), stateFile: STATE_FILE });
  const bed = current;
  try {
    return await measureProcesses('heartbeat 3.0.6', (n) => heartbeatDaemons(bed, n));
  } finally {
    const left = await bed.down();
    if (left.length) console.error(`  down left: ${left.join('; ')}`);
    current = undefined;
  }
};

/**
 * The floor under those figures (daemon-floor.mjs): a bare Node process of the same runtime doing only
 * the packet work of the exchange (3 media each way per keepalive), on this machine now.
 */
const measureFloor = (): string => {
  const node = pinnedNode() ?? process.execPath;
  const r = spawnSync(node, [join(import.meta.dirname, 'daemon-floor.mjs'), '100', String(daemonSeconds), '3'], { encoding: 'utf8', timeout: (daemonSeconds + 30) * 1000 });
  return r.status === 0 ? r.stdout.trim() : `bare Node floor: could not run (${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)})`;
};

const daemonLine = (d: DaemonCost): string =>
  `${d.node}: CPU ${d.cpuOwn.toFixed(2)} % of a core (${d.cpuWithAgents.toFixed(2)} % with the agents it ran), RSS ${d.rssMb?.toFixed(1) ?? '?'} MB` +
  (d.processes > 1 ? ` over ${d.processes} processes` : '');
/** pgbeat's CPU over the stock daemon's, per node. */
const daemonRatios = (ours: DaemonCost[], stock: DaemonCost[]): string =>
  ours.map((o) => {
    const s = stock.find((x) => x.node === o.node);
    return `${o.node} ${s && s.cpuOwn > 0 ? `${(o.cpuOwn / s.cpuOwn).toFixed(2)}x` : 'n/a'}`;
  }).join(', ');
const daemonSummary = (ours: DaemonCost[], stock: DaemonCost[] | undefined): string[] => [
  ...ours.map((d) => `pgbeat daemon at keepalive 100 ms, ${daemonSeconds} s quiet, ${daemonLine(d)}`),
  ...(stock ?? []).map((d) => `heartbeat 3.0.6 at keepalive 100 ms (same media), ${daemonSeconds} s quiet, ${daemonLine(d)}`),
  ...(stock ? [`daemon CPU pgbeat / heartbeat 3.0.6: ${daemonRatios(ours, stock)}`] : []),
];

/** The figures of a finished trial, checked against the final primary (or the node the client last wrote to). */
const measureTrial = (bed: Bed, engine: string, fault: string, graceful: boolean, at: number): { figures: TrialFigures; report: TrialReport; against?: NodeName } => {
  const primaries = bed.primaries();
  const lastNode = bed.writes().filter((w) => w.ack !== undefined).at(-1)?.node as NodeName | undefined;
  const against = bed.finalPrimary() ?? (lastNode && primaries.includes(lastNode) ? lastNode : primaries[0]);
  const report = against
    ? bed.report(at, against)
    // No primary to read the rows on (a crashed postmaster nobody restarted): no lost figure.
    : analyzeTrial({ writes: bed.writes(), probes: bed.probes(), onFinalPrimary: new Set(), faultAt: at, probeHoldMs: 100 });
  return {
    figures: { engine, fault, gapMs: trialGapMs(report, graceful), lost: against ? report.lost.length : undefined, twoPrimariesMs: report.twoAcknowledgingMs },
    report, ...(against ? { against } : {}),
  };
};

/** The table so far (after every round: a run cut short still leaves its figures); with --report, the files. */
const publish = (round: number): void => {
  const engineNames = engineKeys.map((k) => names[k]!);
  const faultLabels = faultKeys.map((k) => FAULTS[k]!.label);
  const cells = summarize(results.map((r) => r.figures), engineNames, faultLabels);
  const rows = tableRows(cells, names['pgbeat'] ?? engineNames[0]!, waitMs);
  console.log(`\nFailover after round ${round} of ${trials} (medians over the trials; ratios are pgbeat / engine; two primaries = both nodes acknowledging probe writes)`);
  console.log(textTable(rows));
  for (const l of daemons ? [...daemonSummary(daemons, stockDaemons), ...(floorLine ? [floorLine] : [])] : []) console.log(`  ${l}`);

  if (reportDir) {
    mkdirSync(reportDir, { recursive: true });
    const machine: Machine = {
      arch: spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim(),
      cores: cpus().length,
      model: cpuModel(readFileSync('/proc/cpuinfo', 'utf8')),
    };
    const overview = join(reportDir, 'failover-gaps.svg');
    writeFileSync(overview, gapBarsSvg(cells, engineNames, `Failover on the two-node bed: ${machineText(machine)}`));
    const pictures: string[] = [overview];
    for (const c of cells) {
      // The picture of the trial with the median gap (the median's lower neighbour for an even count).
      const ran = results.filter((r) => r.report && r.figures.engine === c.engine && r.figures.fault === c.fault && !r.figures.error)
        .sort((a, b) => (a.figures.gapMs ?? Number.POSITIVE_INFINITY) - (b.figures.gapMs ?? Number.POSITIVE_INFINITY));
      const pick = ran[Math.floor((ran.length - 1) / 2)];
      if (!pick) continue;
      const file = join(reportDir, `failover-${`${c.engine}-${c.fault}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '').toLowerCase()}.svg`);
      writeFileSync(file, histogramSvg(pick.report!, pick.title));
      pictures.push(file);
    }
    const md = [
      '## Failover figures',
      '',
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machineText(machine)}, with ` +
        `\`${process.env['BENCH_COMMAND'] ?? `node --import tsx scripts/lab/bench-failover.ts ${args.join(' ')}`.trim()}\` (${round} trial(s) per engine and fault${round < trials ? ` of the ${trials} asked, the run cut short` : ''}, each on a freshly built bed; ` +
        `BENCH_FAILOVER_WAIT_S=${waitMs / 1000}).`,
      '',
      markdownTable(rows),
      '',
      "![median gaps per engine and fault](failover-gaps.svg)",
      '',
      'Gap: the fault to the first write sent after it and acknowledged through the VIP (graceful standby: the longest ' +
        'silence from the last acknowledgement before the command, as the old primary answers at first). Lost: writes the client saw ' +
        'acknowledged that are missing on the final primary. Two primaries: time both nodes acknowledged probe writes ' +
        '(a prober on each node writes every 50 ms). Ratios are pgbeat / engine.',
      `Engines: ${[
        names['pgbeat'] && 'pgbeat (keepalive 100 ms, deadtime 500 ms, witness, sync_mode=fallback, monitor_interval 10 s)',
        names['heartbeat'] && 'heartbeat 3.0.6 (keepalive 200 ms, deadtime 1 s, haresources, sync_mode=off)',
        names['pacemaker'] && 'Pacemaker + corosync (token 1 s, promotable clone with notify, sync_mode=fallback, no fencing)',
      ].filter(Boolean).join('; ')}.`,
      ...(daemons ? ['', ...[...daemonSummary(daemons, stockDaemons), ...(floorLine ? [floorLine] : [])].map((l) => `${l}.  `)] : []),
      '',
    ].join('\n');
    // Every trial's figures, one JSON line each (to re-read or pool runs later).
    writeFileSync(join(reportDir, 'failover-trials.jsonl'), results.map((r) => JSON.stringify({
      ...r.figures, title: r.title, ...(r.report ? { firstAckMs: r.report.gapMs, longestSilenceMs: r.report.outageMs } : {}),
    })).join('\n') + '\n');
    const mdFile = join(reportDir, 'failover.md');
    writeFileSync(mdFile, md);
    if (round === trials) {
      console.log(`\nreport: ${mdFile}`);
      for (const p of pictures) console.log(`picture: ${p}`);
    } else {
      console.log(`(report so far: ${mdFile})`);
    }
  }
};

let current: Bed | undefined;
let installed: ReturnType<typeof installIntoSystem> | undefined;
const interrupted = (signal: string): void => {
  console.error(`bench-failover: ${signal}: taking the bed down`);
  // Between beds, or while one is being built (not yet `current`), its ledger file names what exists.
  void (current?.down() ?? Ledger.load(STATE_FILE).undoAll()).finally(() => {
    installed?.restore();
    process.exit(130);
  });
};
process.once('SIGINT', () => interrupted('SIGINT'));
process.once('SIGTERM', () => interrupted('SIGTERM'));

const results: { figures: TrialFigures; report?: TrialReport; title: string }[] = [];
let daemons: DaemonCost[] | undefined;
let stockDaemons: DaemonCost[] | undefined;
let floorLine: string | undefined;
const names = Object.fromEntries(engineKeys.map((k) => [k, ENGINES[k]!().name]));
const started = new Date();
console.log(`failover: ${trials} trial(s) of ${faultKeys.join(', ')} with ${engineKeys.map((k) => names[k]).join(', ')}; ` +
  `each on a fresh bed; wait ${waitMs / 1000} s for the first write, then ${holdMs / 1000} s more`);
if (daemonOnly) {
  const unlock = await takeLock();
  installed = installIntoSystem();
  try {
    current = await buildBed({ engine: ENGINES['pgbeat']!(), stateFile: STATE_FILE });
    try {
      daemons = await measureDaemons(current);
    } finally {
      const left = await current.down();
      if (left.length) console.error(`down left: ${left.join('; ')}`);
      current = undefined;
    }
    for (const l of daemonSummary(daemons, undefined)) console.log(l);
    if (process.env['BENCH_DAEMON_STOCK'] !== '0') {
      stockDaemons = await measureStockDaemons().catch((err: unknown) => {
        console.log(`heartbeat 3.0.6 daemon cost: could not run: ${(err as Error).message.split('\n').slice(0, process.env['BENCH_FAILOVER_VERBOSE'] ? 60 : 1).join('\n')}`);
        return undefined;
      });
      if (stockDaemons) for (const l of daemonSummary(daemons, stockDaemons).slice(daemons.length)) console.log(l);
    }
    floorLine = measureFloor();
    console.log(floorLine);
  } finally {
    installed?.restore();
    installed = undefined;
    await unlock();
  }
  process.exit(0);
}
// The stock daemon's cost, once, on a bed of its own (the trials' heartbeat runs at 200 ms).
if (engineKeys.includes('pgbeat') && engineKeys.includes('heartbeat') && process.env['BENCH_DAEMON_STOCK'] !== '0') {
  const unlock = await takeLock();
  installed = installIntoSystem();
  try {
    stockDaemons = await measureStockDaemons();
    for (const l of daemonSummary([], stockDaemons)) console.log(`  ${l}`);
    floorLine = measureFloor();
    console.log(`  ${floorLine}`);
  } catch (err) {
    console.log(`  heartbeat 3.0.6 daemon cost: could not run: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    installed?.restore();
    installed = undefined;
    await unlock();
  }
}
for (let t = 1; t <= trials; t++) {
  for (const f of faultKeys) {
    for (const e of engineKeys) {
      const engine = ENGINES[e]!();
      const fault = FAULTS[f]!;
      const title = `${engine.name}: ${fault.label} of castor (trial ${t})`;
      const t0 = Date.now();
      const unlock = await takeLock();
      // The build's agents in the system's OCF and ha.d directories, under the lock: between two
      // trials another bed user may install its own, and puts back what it found.
      try {
        installed = installIntoSystem();
        current = await buildBed({ engine, stateFile: STATE_FILE });
        const bed = current;
        try {
          if (e === 'pgbeat' && daemons === undefined) {
            daemons = await measureDaemons(bed);
            for (const l of daemonSummary(daemons, undefined)) console.log(`  ${l}`);
          }
          await bed.startClients();
          await sleep(3_000);
          const inj = await fault.inject(bed);
          const resumed = await bed.waitForWritesOn(undefined, inj.at, waitMs);
          await sleep(holdMs);
          await inj.heal();
          await sleep(3_000);
          await bed.stopClients();
          const m = measureTrial(bed, engine.name, fault.label, f === 'switchover', inj.at);
          results.push({ figures: m.figures, report: m.report, title });
          const how = resumed ? '' : ` (no write acknowledged within ${waitMs / 1000} s)`;
          // With no primary to check the rows on, the report's lost line would count every write.
          const text = formatTrial(`${title}, rows checked on ${m.against ?? 'no primary'}${how}`, m.report).split('\n')
            .map((l) => (m.against || !/acknowledged and lost/.test(l) ? l : l.replace(/, \d+ acknowledged and lost.*$/, ', lost not checked (no primary)')));
          console.log(`  ${text.join('\n  ')}`);
        } finally {
          const left = await bed.down();
          if (left.length) console.error(`  down left: ${left.join('; ')}`);
          current = undefined;
        }
      } catch (err) {
        const why = (err as Error).message.split('\n')[0]!;
        console.log(`  ${title}: could not run: ${why}`);
        if (process.env['BENCH_FAILOVER_VERBOSE']) console.error((err as Error).message);
        results.push({ figures: { engine: engine.name, fault: fault.label, gapMs: undefined, lost: undefined, twoPrimariesMs: 0, error: why }, title });
      } finally {
        installed?.restore();
        installed = undefined;
        await unlock();
      }
      console.log(`  (${title}: ${((Date.now() - t0) / 1000).toFixed(0)} s with the bed's build and teardown)`);
    }
  }
  publish(t);
}

process.exit(results.some((r) => !r.figures.error) ? 0 : 1);
