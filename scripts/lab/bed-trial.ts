// One failover trial on the shared bed (test/helpers/bed/), from the command line, as root:
//   node --import tsx scripts/lab/bed-trial.ts --engine heartbeat|pgbeat --fault FAULT [--out DIR]
//     [--sync-mode off|fallback|strict]   (pgbeat: the postgresql resource's sync_mode, default strict)
//     [--no-primary-host]                 (pgbeat: the postgresql resource without primary_host, peers alone)
//   node --import tsx scripts/lab/bed-trial.ts down      (removes what a crashed run left)
// FAULT: power-loss, postmaster-crash, heartbeat-link, isolate, freeze, serial, switchover (all on
// castor, the first primary). Installs the build's agents for the run (scripts/install.sh), builds
// the bed, writes through the VIP, injects the fault, heals it where it can be healed, prints the
// report and writes the picture (SVG), the engine's logs and the writer's record into --out. The building block of `npm run lab` (issue 10).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildBed } from '../../test/helpers/bed/bed.ts';
import { heartbeatEngine } from '../../test/helpers/bed/engines/heartbeat.ts';
import { pgbeatEngine } from '../../test/helpers/bed/engines/pgbeat.ts';
import { freeze, isolate, linkDown, postmasterCrash, powerLoss, serialDown, switchover, type Fault } from '../../test/helpers/bed/faults.ts';
import { Ledger } from '../../test/helpers/bed/ledger.ts';
import { formatTrial } from '../../test/helpers/bed/report.ts';
import { installIntoSystem } from '../../test/helpers/install.ts';

/** Where a run keeps its ledger, so `down` can undo a run that crashed. */
const STATE_FILE = '/tmp/pgbeat-bed-trial.state.json';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};

if (args[0] === 'down') {
  const failed = await Ledger.load(STATE_FILE).undoAll();
  console.log(failed.length ? `could not undo: ${failed.join('; ')}` : 'down: nothing left');
  process.exit(failed.length ? 1 : 0);
}

const engineName = opt('engine', 'heartbeat');
const faultName = opt('fault', 'power-loss');
const out = resolve(opt('out', '.'));
const syncMode = opt('sync-mode', 'strict');
if (!['off', 'fallback', 'strict'].includes(syncMode)) {
  console.error(`unknown sync mode ${syncMode}: off, fallback, strict`);
  process.exit(2);
}
const engine = engineName === 'pgbeat' ? pgbeatEngine({ syncMode: syncMode as 'off' | 'fallback' | 'strict', primaryHost: !args.includes('--no-primary-host') }) : heartbeatEngine();
const inject: Record<string, (b: Awaited<ReturnType<typeof buildBed>>) => Promise<Fault>> = {
  'power-loss': (b) => powerLoss(b, 'castor'),
  'postmaster-crash': (b) => postmasterCrash(b, 'castor'),
  'heartbeat-link': (b) => linkDown(b, 'castor', 'heartbeat'),
  isolate: (b) => isolate(b, 'castor'),
  freeze: async (b) => {
    const f = await freeze(b, 'castor', 5_000);
    await f.thawed;
    return f;
  },
  serial: (b) => serialDown(b, 'castor'),
  switchover: (b) => switchover(b, 'castor'),
};
if (!inject[faultName]) {
  console.error(`unknown fault ${faultName}: ${Object.keys(inject).join(', ')}`);
  process.exit(2);
}

const install = installIntoSystem();
let status = 0;
try {
  const bed = await buildBed({ engine, stateFile: STATE_FILE, progress: (l) => console.log(`[bed] ${l}`) });
  try {
    await bed.startClients();
    await sleep(3_000);
    const fault = await inject[faultName]!(bed);
    console.log(`[bed] ${fault.name} on ${fault.node}`);
    const resumed = await bed.waitForWritesOn(undefined, fault.at, 60_000);
    if (faultName === 'isolate') {
      await sleep(5_000);
      await fault.heal();
    }
    await sleep(3_000);
    await bed.stopClients();
    await fault.heal();
    if (!resumed) console.log(`no write acknowledged within 60 s of the fault\n${bed.diagnose()}`);
    // Two primaries left (heartbeat after a partition): the figures against each of them.
    const final = bed.finalPrimary();
    const against = final ? [final] : bed.primaries();
    if (!final) console.log(`no single primary holding the VIP (primaries: ${against.join(', ') || 'none'}; VIP on: ${bed.vipHolders().join(', ') || 'none'})`);
    if (against.length === 0) throw new Error('no primary left to check the writes against');
    let r = bed.report(fault.at, against[0]);
    for (const n of against) {
      r = bed.report(fault.at, n);
      console.log(formatTrial(`${engine.name}, ${fault.name} of ${fault.node} (rows checked on ${n})`, r));
    }
    mkdirSync(out, { recursive: true });
    // The engine's logs and the writer's record next to the picture, for a timeline of the trial.
    for (const f of ['castor-pgbeat.out', 'pollux-pgbeat.out', 'witness.out', 'writes.jsonl']) {
      if (existsSync(join(bed.base, f))) copyFileSync(join(bed.base, f), join(out, `bed-${engineName}-${faultName}.${f}`));
    }
    console.log(`fault at ${new Date(fault.at).toISOString()} (${fault.at})`);
    console.log(`picture: ${bed.writeSvg(r, `${engine.name}: ${fault.name} of ${fault.node}`, join(out, `bed-${engineName}-${faultName}.svg`))}`);
  } catch (e) {
    status = 1;
    console.error(`${(e as Error).message}\n${bed.diagnose()}`);
  } finally {
    const failed = await bed.down();
    if (failed.length) console.error(`down left: ${failed.join('; ')}`);
  }
} catch (e) {
  status = 1;
  console.error((e as Error).message);
} finally {
  install.restore();
}
process.exit(status);
