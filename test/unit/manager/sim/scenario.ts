// One simulation run: bootstrap, random faults, heal, convergence. The seed decides everything
// (arbitration mode, link quality, clock rates, which faults when), so a failing seed replays exactly.
import type { UnsafePolicy } from '../../../../lib/manager/core/core-config.ts';
import { initWitness } from '../../../../lib/manager/witness/witness-state.ts';
import { Rng } from './rng.ts';
import { World, type Mode, type SimNode } from './world.ts';

const HEAL_AT = 15_000;
const END_AT = 25_000;

/** What a run found. */
export interface RunResult {
  seed: number;
  mode: Mode;
  faults: string[];
  violations: string[];
  trace: string[];
  acked: number;
}

/** Runs one seed with random faults; `mode` and `unsafe` override the seed's choice. */
export const runSeed = (seed: number, opts: { mode?: Mode; unsafe?: UnsafePolicy; faultCount?: number } = {}): RunResult => {
  const pick = new Rng(seed ^ 0x5bd1e995);
  const mode = opts.mode ?? pick.pick(['witness', 'witness', 'witness', 'fence', 'fence', 'none'] as const);
  const w = new World(seed, mode, opts.unsafe);
  for (const n of w.nodes) w.start(n);
  const db = (): void => { w.dbTick(); if (w.t < END_AT) w.at(10, db); };
  w.at(10, db);
  const faults: string[] = [];
  const count = opts.faultCount ?? w.rng.int(1, 3);
  for (let i = 0; i < count; i++) faults.push(scheduleFault(w));
  w.run(HEAL_AT);
  heal(w);
  w.run(END_AT);
  w.checkConverged();
  return { seed, mode, faults, violations: w.violations, trace: w.trace, acked: w.acked.size };
};

/** The node a fault aims at: the primary, the standby or either, decided when it strikes. */
const target = (w: World, who: 'primary' | 'standby' | 'any'): SimNode => {
  const holder = w.nodes.find((n) => n.core?.holding) ?? w.rng.pick(w.nodes);
  if (who === 'primary') return holder;
  if (who === 'standby') return w.peerOf(holder);
  return w.rng.pick(w.nodes);
};

const scheduleFault = (w: World): string => {
  const at = w.rng.range(3000, 12_000);
  const dur = w.rng.range(200, 4000);
  const who = w.rng.pick(['primary', 'primary', 'standby', 'any'] as const);
  const kinds = ['crash', 'freeze', 'partition', 'lan', 'hb', 'isolate', 'pg-crash', 'standby-cmd', 'takeover-cmd', 'shutdown'];
  if (w.witness) kinds.push('witness-link', 'witness-crash', 'witness-crash');
  const kind = w.rng.pick(kinds);
  const cut = (links: string[]) => {
    w.at(at - w.t, () => { for (const l of links) w.links[l]!.up = false; w.log(`FAULT cut ${links.join(',')}`); });
    w.at(at + dur - w.t, () => { for (const l of links) w.links[l]!.up = true; w.log(`FAULT healed ${links.join(',')}`); });
  };
  const onTarget = (fn: (n: SimNode) => void) => w.at(at - w.t, () => fn(target(w, who)));
  switch (kind) {
    case 'crash': onTarget((n) => { w.crash(n, 'FAULT crashes'); w.at(dur, () => { if (!n.up) w.start(n); }); }); break;
    case 'freeze': onTarget((n) => { w.freeze(n); w.at(dur, () => w.thaw(n)); }); break;
    case 'partition': cut(['lan', 'hb']); break;
    case 'lan': cut(['lan']); break;
    case 'hb': cut(['hb']); break;
    case 'isolate': {
      const n = w.rng.pick(w.nodes);
      cut(w.witness ? ['lan', 'hb', `w:${n.name}`] : ['lan', 'hb']);
      return `${kind} ${n.name} at ${Math.round(at)} for ${Math.round(dur)} ms`;
    }
    case 'witness-link': { const n = w.rng.pick(w.nodes); cut([`w:${n.name}`]); return `${kind} ${n.name} at ${Math.round(at)} for ${Math.round(dur)} ms`; }
    case 'witness-crash': {
      const lose = w.rng.chance(0.3);
      w.at(at - w.t, () => { w.witness!.up = false; w.log('FAULT witness crashes'); });
      w.at(at + dur - w.t, () => restartWitness(w, lose));
      return `${kind}${lose ? ' (state lost)' : ''} at ${Math.round(at)} for ${Math.round(dur)} ms`;
    }
    case 'pg-crash': onTarget((n) => { if (n.up && !n.frozen) { w.log(`FAULT ${n.name}'s PostgreSQL crashes`); w.stopPg(n, false); } }); break;
    case 'standby-cmd': w.at(at - w.t, () => { const n = target(w, 'primary'); w.onNode(n, () => w.feed(n, { kind: 'command', now: w.local(n), command: 'standby' }))(); }); break;
    case 'takeover-cmd': w.at(at - w.t, () => { const n = target(w, 'standby'); w.onNode(n, () => w.feed(n, { kind: 'command', now: w.local(n), command: 'takeover' }))(); }); break;
    case 'shutdown': onTarget((n) => { w.log(`FAULT ${n.name} shuts down`); w.onNode(n, () => w.feed(n, { kind: 'command', now: w.local(n), command: 'shutdown' }))(); w.at(dur + 2000, () => { if (!n.up) w.start(n); }); }); break;
  }
  return `${kind} ${who} at ${Math.round(at)} for ${Math.round(dur)} ms`;
};

const restartWitness = (w: World, lose: boolean): void => {
  const wt = w.witness!;
  if (wt.up) return;
  if (lose) wt.persisted = undefined;
  wt.ws = initWitnessFor(w, wt.persisted);
  wt.up = true;
  w.log(`witness restarts${lose ? ' without its state' : ''}`);
};

const initWitnessFor = (w: World, persisted: Parameters<typeof initWitness>[1]) => initWitness(w.wlocal(), persisted);

/** Ends every fault: links up, frozen nodes resumed, dead nodes and the witness restarted. */
const heal = (w: World): void => {
  w.log('HEAL');
  for (const l of Object.values(w.links)) { l.up = true; }
  for (const n of w.nodes) { if (n.frozen) w.thaw(n); if (!n.up) w.start(n); }
  if (w.witness && !w.witness.up) restartWitness(w, false);
};

/** Single fault, healthy survivor and witness: crash the primary, time the first acknowledged write on the survivor. */
export const runFailover = (seed: number): { gapMs: number | null; violations: string[]; trace: string[] } => {
  const w = new World(seed, 'witness', undefined);
  for (const l of Object.values(w.links)) { l.loss = 0; l.dup = 0; l.delayMax = 3; }
  // Not strict: under sync_mode=strict writes wait for the dead node by design.
  for (const n of w.nodes) n.cfg = { ...n.cfg, neverSolo: false };
  for (const n of w.nodes) w.start(n);
  const db = (): void => { w.dbTick(); if (w.t < 12_000) w.at(10, db); };
  w.at(10, db);
  let gapFrom = 0;
  w.at(5000, () => {
    const p = w.nodes.find((n) => n.core?.holding);
    if (!p) { w.violation('no primary after bootstrap'); return; }
    gapFrom = w.t;
    w.watch = { since: w.t, node: w.peerOf(p).name, firstAckAt: null };
    w.crash(p, 'FAULT crashes (failover measurement)');
  });
  w.run(12_000);
  const first = w.watch?.firstAckAt ?? null;
  return { gapMs: first === null ? null : first - gapFrom, violations: w.violations, trace: w.trace };
};
