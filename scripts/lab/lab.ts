// The two-node lab (`npm run lab`, issue 10): the shared bed (test/helpers/bed/) with pgbeat on both
// nodes, left running between commands. As root:
//   npm run lab [up]                 castor primary, pollux synchronous standby, witness, a client
//                                    writing through the VIP every 20 ms; returns once all of it runs
//   npm run lab status               the manager's own status table (pgbeat status on each node)
//   npm run lab fail FAULT           FAULT on the primary: kill, isolate, freeze-thaw,
//                                    postmaster-crash, link-down, switchover; prints the timeline,
//                                    the acknowledged and lost writes, and the picture's path (SVG);
//                                    --standby: the fault on the standby instead (not switchover)
//   npm run lab heal                 links and nodes back; waits until the standby streams again
//   npm run lab down                 removes every namespace, process and file the lab made (twice is fine)
// Options: --state FILE (default /run/pgbeat-lab/state.json: the ledger of what `up` made, read by
// the other commands), --sync-mode fallback|strict (up; default fallback).
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachBed, buildBed, type Bed } from '../../test/helpers/bed/bed.ts';
import { pgbeatBin, pgbeatEngine } from '../../test/helpers/bed/engines/pgbeat.ts';
import { descendants, freeze, isolate, linkDown, postmasterCrash, powerLoss, setLinks, switchover, type Fault } from '../../test/helpers/bed/faults.ts';
import { Ledger } from '../../test/helpers/bed/ledger.ts';
import { formatTrial } from '../../test/helpers/bed/report.ts';
import { streamsFrom } from '../../test/helpers/bed/sql.ts';
import { formatTimeline } from '../../test/helpers/bed/timeline.ts';
import { ADDR, NODE_NAMES, type NodeName } from '../../test/helpers/bed/topology.ts';
import { INSTALL_SH, installIntoSystem } from '../../test/helpers/install.ts';
import { waitUntil } from '../../test/helpers/lab-node.ts';

const DEFAULT_STATE = '/run/pgbeat-lab/state.json';
const FAULTS = ['kill', 'isolate', 'freeze-thaw', 'postmaster-crash', 'link-down', 'switchover'] as const;
type FaultName = (typeof FAULTS)[number];
/** How long freeze-thaw keeps the primary stopped (deadtime is 1 s). */
const FREEZE_MS = 3_000;
/** Faults that leave something to undo before the next one. */
const NEEDS_HEAL: readonly FaultName[] = ['kill', 'isolate', 'link-down'];

const USAGE = `usage: npm run lab -- [up|status|fail FAULT [--standby]|heal|down] [--state FILE] [--sync-mode fallback|strict]
  FAULT: ${FAULTS.join(', ')}`;

/** What the lab keeps in the state file besides the bed's own records. */
interface LabMeta {
  syncMode: 'fallback' | 'strict';
  /** The fault in place (from `fail` until `heal`). */
  fault?: { name: FaultName; node: NodeName; at: number };
  /** Pictures written so far (numbering). */
  pictures?: number;
}

/** A refusal or failure to report in one line, with an exit code. */
class LabError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

const other = (n: NodeName): NodeName => (n === 'castor' ? 'pollux' : 'castor');
const configDir = (bed: Bed, n: NodeName): string => join(bed.base, `${n}-ha.d`);
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

/** A progress line: rewritten in place on a terminal, one line per step otherwise. */
const progress = (): { say: (line: string) => void; done: () => void } => {
  const t0 = Date.now();
  const tty = process.stdout.isTTY === true;
  let last = '';
  return {
    say: (line) => {
      last = `[${String(Math.round((Date.now() - t0) / 1000)).padStart(3)} s] ${line}`;
      process.stdout.write(tty ? `\r\x1b[K${last}` : `${last}\n`);
    },
    done: () => {
      if (tty && last) process.stdout.write('\n');
    },
  };
};

const labMeta = (ledger: Ledger): LabMeta | undefined => ledger.meta['lab'] as LabMeta | undefined;

/** The running lab from its state file. */
const attach = (stateFile: string): { bed: Bed; meta: LabMeta } => {
  if (!existsSync(stateFile)) throw new LabError(`the lab is not up (no state file ${stateFile}); \`npm run lab\` brings it up`);
  const meta = labMeta(Ledger.load(stateFile));
  if (!meta) throw new LabError(`${stateFile} records no finished lab (its \`up\` failed or was interrupted); \`npm run lab down\` removes what it left`);
  return { bed: attachBed(stateFile, pgbeatEngine({ syncMode: meta.syncMode })), meta };
};

const setFault = (bed: Bed, meta: LabMeta, fault: LabMeta['fault']): void => {
  const next: LabMeta = { ...meta };
  if (fault) next.fault = fault;
  else delete next.fault;
  bed.ledger.setMeta('lab', next);
};

/** `pgbeat status --json` on `n`'s agreed synchronous standby (undefined when it does not answer). */
const agreedSync = (bed: Bed, n: NodeName): string | null | undefined => {
  const r = bed.nodes[n].run([pgbeatBin(), 'status', '--json', '--config-dir', configDir(bed, n)], { timeoutMs: 10_000 });
  try {
    return r.status === 0 ? (JSON.parse(r.stdout) as { agreed?: { sync?: string | null } }).agreed?.sync : undefined;
  } catch {
    return undefined;
  }
};

/** The primary holding the VIP alone, once the other node streams from it and is recorded as its synchronous standby. */
const settled = async (bed: Bed, timeoutMs: number): Promise<NodeName | undefined> => {
  let primary: NodeName | undefined;
  const ok = await waitUntil(() => {
    primary = bed.finalPrimary();
    return primary !== undefined && streamsFrom(bed.nodes[primary], other(primary)) && agreedSync(bed, primary) === other(primary);
  }, { timeoutMs, stepMs: 500 });
  return ok ? primary : undefined;
};

/** The manager's own status table from each running node. */
const statusTables = (bed: Bed): string => NODE_NAMES.map((n) => {
  if (!bed.nodes[n].running()) return `== ${n}: powered off ==`;
  const r = bed.nodes[n].run([pgbeatBin(), 'status', '--config-dir', configDir(bed, n)], { timeoutMs: 10_000 });
  return `== pgbeat status on ${n} ==\n${r.out.trimEnd()}`;
}).join('\n');

/** One line on what the lab shows from outside: VIP, primaries, client. */
const summary = (bed: Bed): string => {
  const acked = bed.writes().filter((w) => w.ack !== undefined);
  const last = acked.at(-1);
  return [
    `VIP ${ADDR.vip} on ${bed.vipHolders().join(', ') || 'no node'}; primary: ${bed.primaries().join(', ') || 'none'}`,
    `client: ${bed.clientsRunning() > 0 ? 'running' : 'stopped'}, ${acked.length} writes acknowledged` +
      (last ? ` (the last by ${last.node} at ${clock(last.ack!)}, ${Math.max(0, Date.now() - last.ack!)} ms ago)` : ''),
  ].join('\n');
};

const up = async (stateFile: string, syncMode: LabMeta['syncMode']): Promise<void> => {
  if (existsSync(stateFile) && Ledger.load(stateFile).entries.length > 0) {
    throw new LabError(`the lab is already up (state file ${stateFile}); \`npm run lab down\` takes it down first`);
  }
  mkdirSync(dirname(stateFile), { recursive: true, mode: 0o755 });
  const p = progress();
  p.say('installing the agents (scripts/install.sh)');
  const install = installIntoSystem({ keep: true });
  // Interrupted half-way (Ctrl-C): take down what the state file records so far, and the agents.
  const interrupted = (): void => {
    p.done();
    console.error('lab: interrupted: taking down what `up` made so far');
    void Ledger.load(stateFile).undoAll().finally(() => {
      install.restore();
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let bed: Bed;
  try {
    bed = await buildBed({ engine: pgbeatEngine({ syncMode }), stateFile, progress: p.say });
  } catch (e) {
    p.done();
    install.restore();
    throw e;
  }
  try {
    if (!install.wasInstalled) bed.ledger.add({ kind: 'undo', argv: ['bash', INSTALL_SH, '--uninstall'], what: 'the agents installed by the lab' });
    bed.ledger.setMeta('lab', { syncMode } satisfies LabMeta);
    p.say(`client: writing through the VIP ${ADDR.vip} every 20 ms`);
    await bed.startClients({ writeIntervalMs: 20, probeIntervalMs: 50, maxSeconds: 12 * 3600 });
    p.say('waiting for pollux to be recorded as the synchronous standby');
    const primary = await settled(bed, 60_000);
    if (!primary) throw new LabError(`pollux was not recorded as castor's synchronous standby within 60 s:\n${bed.diagnose()}`);
    p.say('up');
    p.done();
  } catch (e) {
    p.done();
    await bed.down();
    throw e;
  }
  console.log(`${statusTables(bed)}\n\n${summary(bed)}\n`);
  console.log(`The lab is up: castor primary, pollux its synchronous standby (sync_mode=${syncMode}), a witness, a client writing through the VIP.`);
  console.log(`Next: npm run lab -- fail <${FAULTS.join('|')}>, then npm run lab -- heal; npm run lab -- status; npm run lab -- down`);
};

const status = (stateFile: string): void => {
  const { bed, meta } = attach(stateFile);
  console.log(`${statusTables(bed)}\n\n${summary(bed)}`);
  if (meta.fault) console.log(`fault in place: ${meta.fault.name} of ${meta.fault.node} since ${clock(meta.fault.at)} (\`npm run lab heal\` undoes it)`);
};

const fail = async (stateFile: string, name: string | undefined, onStandby: boolean): Promise<boolean> => {
  if (!name || !(FAULTS as readonly string[]).includes(name)) throw new LabError(`fail needs one of: ${FAULTS.join(', ')}${name ? ` (not ${name})` : ''}`, 2);
  const faultName = name as FaultName;
  if (onStandby && faultName === 'switchover') throw new LabError('a switchover starts on the primary: no --standby', 2);
  const { bed, meta } = attach(stateFile);
  if (meta.fault && NEEDS_HEAL.includes(meta.fault.name)) {
    throw new LabError(`${meta.fault.name} of ${meta.fault.node} is still in place: \`npm run lab heal\` first`);
  }
  const p = progress();
  if (bed.clientsRunning() < 1 + NODE_NAMES.length) {
    p.say('restarting the client');
    await bed.stopClients();
    await bed.startClients({ writeIntervalMs: 20, probeIntervalMs: 50, maxSeconds: 12 * 3600 });
  }
  p.say('waiting for the synchronous standby to be recorded');
  const primary = await settled(bed, 90_000);
  p.done();
  if (!primary) throw new LabError(`no primary with a recorded synchronous standby within 90 s (try \`npm run lab heal\`):\n${summary(bed)}`);
  const standby = other(primary);
  const target = onStandby ? standby : primary;
  // Where the writes should resume, and from when (a crashed postmaster's backends may still answer
  // for a moment). A fault of the standby leaves the service where it is.
  const plan: Record<FaultName, { inject: () => Promise<Fault>; to: NodeName; resumeAfterMs: number }> = {
    kill: { inject: () => powerLoss(bed, target), to: standby, resumeAfterMs: 0 },
    isolate: { inject: () => isolate(bed, target), to: standby, resumeAfterMs: 0 },
    'freeze-thaw': {
      inject: async () => {
        const f = await freeze(bed, target, FREEZE_MS);
        console.log(`${target} frozen (SIGSTOP) for ${FREEZE_MS} ms...`);
        await f.thawed;
        return f;
      },
      to: standby, resumeAfterMs: 0,
    },
    'postmaster-crash': { inject: () => postmasterCrash(bed, target), to: primary, resumeAfterMs: 1_000 },
    'link-down': { inject: () => linkDown(bed, target, 'heartbeat'), to: primary, resumeAfterMs: 0 },
    switchover: { inject: () => switchover(bed, primary), to: standby, resumeAfterMs: 0 },
  };
  const step = { ...plan[faultName], ...(onStandby ? { to: primary } : {}) };
  // Under strict, no write is acknowledged without the standby: while it is away, writes wait.
  const writesWait = onStandby && meta.syncMode === 'strict' && faultName !== 'link-down';
  console.log(`fault: ${faultName} of ${target} (the ${onStandby ? 'standby' : 'primary'}); the client keeps writing through the VIP`);
  const fault = await step.inject();
  setFault(bed, meta, { name: faultName, node: target, at: fault.at });
  const resumed = await bed.waitForWritesOn(step.to, fault.at + step.resumeAfterMs, writesWait ? 5_000 : 60_000);
  if (writesWait && !resumed) console.log(`sync_mode=strict: writes wait while ${target} is away (\`npm run lab heal\` brings it back)`);
  // A little of the time after, for the picture.
  await sleep(2_000);
  const final = bed.finalPrimary();
  const against = final ?? bed.primaries()[0];
  if (!against) throw new LabError(`no primary left to check the writes against:\n${summary(bed)}\n${bed.diagnose()}`);
  const r = bed.report(fault.at, against);
  const title = `pgbeat: ${faultName} of ${target}`;
  const pictures = (meta.pictures ?? 0) + 1;
  bed.ledger.setMeta('lab', { ...labMeta(bed.ledger)!, pictures });
  const svg = bed.writeSvg(r, title, join(bed.base, `fail-${pictures}-${faultName}.svg`));
  const timeline = bed.timeline({ at: fault.at, name: faultName, node: target }, undefined, { to: step.to, after: fault.at + step.resumeAfterMs });
  console.log(`\ntimeline (ms from the fault at ${clock(fault.at)}):\n${formatTimeline(timeline).split('\n').map((l) => `  ${l}`).join('\n')}\n`);
  console.log(formatTrial(title + (final ? '' : ` (no single primary holding the VIP: rows checked on ${against})`), r));
  const back = timeline.find((e) => e.kind === 'first-write');
  console.log(back ? `service back: the first write acknowledged by ${step.to} came ${back.offsetMs} ms after the fault` : `service not back on ${step.to}`);
  console.log(`picture (acknowledged writes per ${r.bucketMs} ms): ${svg}`);
  const broken = [
    ...(resumed || writesWait ? [] : [`no write acknowledged by ${step.to} within 60 s`]),
    ...(r.lost.length ? [`${r.lost.length} acknowledged writes lost`] : []),
    ...(r.twoAcknowledgingMs > 0 ? [`two primaries acknowledged writes for ${r.twoAcknowledgingMs} ms`] : []),
  ];
  if (broken.length) console.log(`NOT AS PROMISED: ${broken.join('; ')}\n${bed.diagnose()}`);
  console.log(NEEDS_HEAL.includes(faultName) ? 'next: npm run lab -- heal' : 'next: npm run lab -- heal (waits until the standby streams again), or another fault');
  return broken.length === 0;
};

const heal = async (stateFile: string): Promise<void> => {
  const { bed, meta } = attach(stateFile);
  const p = progress();
  p.say('links and serial line up');
  for (const n of NODE_NAMES) {
    const init = bed.nodes[n].init();
    if (init === undefined || !bed.nodes[n].running()) continue;
    // A freeze whose `fail` was interrupted before the thaw: continue every process of the node.
    for (const pid of [init, ...descendants(init)]) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Gone.
      }
    }
    setLinks(bed, n, ['service', 'heartbeat'], 'up');
  }
  await bed.serial.up();
  for (const n of NODE_NAMES) {
    if (bed.nodes[n].running()) continue;
    p.say(`${n}: booting again and rejoining as a standby`);
    await bed.rejoin(n);
  }
  p.say('waiting for the standby to stream and be recorded as synchronous');
  const primary = await settled(bed, 120_000);
  p.done();
  if (!primary) throw new LabError(`no primary with a streaming, recorded synchronous standby within 120 s:\n${summary(bed)}\n${bed.diagnose()}`);
  setFault(bed, meta, undefined);
  const standby = other(primary);
  // The agent's reports of what a rejoin gave up (written before pg_rewind), since the fault.
  const logDir = join(bed.labDirs[standby], 'log');
  const reports = readdirSafe(logDir).filter((f) => /-discarded-.*\.txt$/.test(f)).map((f) => join(logDir, f))
    .filter((f) => statSync(f).mtimeMs >= (meta.fault?.at ?? 0));
  console.log(`healed: ${primary} primary with the VIP, ${standby} streaming from it as its synchronous standby` +
    (reports.length ? `\n${standby} was rewound; what it discarded: ${reports.join(', ')}` : ''));
};

const readdirSafe = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

const down = async (stateFile: string): Promise<boolean> => {
  if (!existsSync(stateFile)) {
    console.log(`nothing to take down (no state file ${stateFile})`);
    return true;
  }
  const ledger = Ledger.load(stateFile);
  const meta = labMeta(ledger);
  const failed = ledger.meta['bed'] && meta
    ? await attachBed(stateFile, pgbeatEngine({ syncMode: meta.syncMode })).down()
    : await ledger.undoAll();
  // The default state directory is the lab's own: gone with the lab when empty.
  if (stateFile === DEFAULT_STATE && readdirSafe(dirname(stateFile)).length === 0) rmdirSync(dirname(stateFile));
  console.log(failed.length ? `down left: ${failed.join('; ')}` : 'down: every namespace, process and file of the lab removed');
  return failed.length === 0;
};

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  if (args[0] === 'help' || args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new LabError(`--${name} needs a value\n${USAGE}`, 2);
    args.splice(i, 2);
    return v;
  };
  const flag = (name: string): boolean => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const onStandby = flag('standby');
  const stateFile = opt('state') ?? DEFAULT_STATE;
  const syncMode = opt('sync-mode') ?? 'fallback';
  if (syncMode !== 'fallback' && syncMode !== 'strict') throw new LabError(`--sync-mode is fallback or strict, not ${syncMode}`, 2);
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) throw new LabError(`unknown option ${unknown}\n${USAGE}`, 2);
  const [command = 'up', ...rest] = args;
  const extra = (n: number): void => {
    if (rest.length > n) throw new LabError(`${command}: unexpected ${rest.slice(n).join(' ')}\n${USAGE}`, 2);
  };
  if (process.getuid?.() !== 0) throw new LabError('needs root (network namespaces, PostgreSQL as postgres); run it as root');
  switch (command) {
    case 'up':
      extra(0);
      await up(stateFile, syncMode);
      return 0;
    case 'status':
      extra(0);
      status(stateFile);
      return 0;
    case 'fail':
      extra(1);
      return (await fail(stateFile, rest[0], onStandby)) ? 0 : 1;
    case 'heal':
      extra(0);
      await heal(stateFile);
      return 0;
    case 'down':
      extra(0);
      return (await down(stateFile)) ? 0 : 1;
    default:
      throw new LabError(`unknown command ${command}\n${USAGE}`, 2);
  }
};

let code: number;
try {
  code = await main();
} catch (e) {
  const err = e as Error;
  console.error(`lab: ${err instanceof LabError ? err.message : err.message ?? String(e)}`);
  code = err instanceof LabError ? err.code : 1;
}
// The nodes and the client run on without this process: leave at once (no handle keeps it).
process.exit(code);
