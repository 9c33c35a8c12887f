// A deterministic world for the manager's core: two nodes (core + PostgreSQL model + address), an
// optional witness, heartbeat media and witness links with loss, delay, duplication and reordering,
// partitions, crashes, restarts, frozen nodes, clocks whose rates differ within rho, fencing, and a
// client that writes to every node that accepts writes. Invariants are checked as events happen.
import type { AgreedState } from '../../../../lib/manager/core/agreed-state.ts';
import { deriveTimings, type CoreConfig, type UnsafePolicy } from '../../../../lib/manager/core/core-config.ts';
import { initCoreState, type CoreState } from '../../../../lib/manager/core/core-state.ts';
import type { Effect, ResourceOp } from '../../../../lib/manager/core/effects.ts';
import type { Input } from '../../../../lib/manager/core/inputs.ts';
import { nextTickAt } from '../../../../lib/manager/core/next-tick.ts';
import type { PgReport } from '../../../../lib/manager/core/pg-report.ts';
import { step } from '../../../../lib/manager/core/step.ts';
import { handleRequest, initWitness, type WitnessConfig, type WitnessState } from '../../../../lib/manager/witness/witness-state.ts';
import { EventQueue } from './event-queue.ts';
import { commonPrefix, isPrefix, newPg, type PgModel, type WalEntry } from './pg-model.ts';
import { Rng } from './rng.ts';

/** How the cluster arbitrates. */
export type Mode = 'witness' | 'fence' | 'none';

/** One link's behaviour. */
export interface LinkModel { up: boolean; loss: number; dup: number; delayMin: number; delayMax: number }

/** A simulated node. */
export interface SimNode {
  name: string;
  cfg: CoreConfig;
  core: CoreState | null;
  up: boolean;
  frozen: boolean;
  inbox: (() => void)[];
  tickParked: boolean;
  /** The pending tick (its token and world time): a newer schedule supersedes it. */
  tickToken: number;
  tickAt: number;
  /** When it last resumed from a freeze (it may hold the address a moment longer, see checkVip). */
  resumedAt: number;
  incarnation: number;
  rate: number;
  offset: number;
  persisted: AgreedState | undefined;
  pg: PgModel;
  vip: boolean;
  op: { id: number; kind: ResourceOp['op'] } | null;
  opToken: number;
  /** The resource side's copy of the lease end (from `lease` effects). */
  leaseUntil: number;
}

/** The simulated witness. */
export interface SimWitness { up: boolean; ws: WitnessState; persisted: AgreedState | undefined; rate: number; offset: number }

export const NODES = ['alpha', 'beta'] as const;
const KEEPALIVE = 100;
const DEADTIME = 500;

/** The simulated cluster and its checks. */
export class World {
  t = 0;
  readonly rng: Rng;
  readonly q = new EventQueue();
  readonly nodes: SimNode[];
  readonly witness: SimWitness | null;
  readonly wcfg: WitnessConfig;
  readonly links: Record<string, LinkModel> = {};
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  readonly acked = new Map<number, { node: string; tl: number; at: number }>();
  lastAck: { node: string; tl: number } | null = null;
  nextEntryId = 1;
  /** First acknowledgement at or after `since` on node `node` (liveness measurements). */
  watch: { since: number; node: string; firstAckAt: number | null } | null = null;

  constructor(readonly seed: number, readonly mode: Mode, unsafe: UnsafePolicy | undefined, readonly rho = 0.01) {
    this.rng = new Rng(seed);
    const t = deriveTimings(KEEPALIVE, DEADTIME);
    const genesis: WalEntry = { id: this.nextEntryId++, tl: 1, commit: false };
    const neverSolo = this.rng.chance(0.25);
    this.nodes = NODES.map((name, i) => ({
      name,
      cfg: {
        self: name, peer: NODES[1 - i]!, selfIndex: i, links: ['lan', 'hb'],
        keepaliveMs: KEEPALIVE, warntimeMs: 250, deadtimeMs: DEADTIME, initdeadMs: 1500,
        witness: mode === 'witness', fence: mode === 'fence', autoFailback: this.rng.pick(['on', 'off', 'legacy'] as const),
        preferred: 'alpha', ...t, handoverTimeoutMs: 3000, failbackDelayMs: 2000, unsafe, neverSolo,
      },
      core: null, up: false, frozen: false, inbox: [], tickParked: false, tickToken: 0, tickAt: Infinity, resumedAt: -Infinity, incarnation: 0,
      rate: 1 + this.rng.range(-rho / 2, rho / 2), offset: this.rng.range(0, 1e6),
      persisted: undefined, pg: newPg([genesis]), vip: false, op: null, opToken: 0, leaseUntil: mode === 'witness' ? -Infinity : Infinity,
    }));
    this.wcfg = { nodes: ['alpha', 'beta'], leaseMs: t.leaseMs, rho: t.rho, unsafeIgnoreLease: unsafe?.witnessIgnoresLease };
    this.witness = mode === 'witness'
      ? { up: true, ws: initWitness(0, undefined), persisted: undefined, rate: 1 + this.rng.range(-rho / 2, rho / 2), offset: this.rng.range(0, 1e6) }
      : null;
    if (this.witness) this.witness.ws = initWitness(this.wlocal(), undefined);
    const loss = this.rng.chance(0.3) ? this.rng.range(0, 0.15) : 0;
    for (const l of ['lan', 'hb', 'w:alpha', 'w:beta']) {
      this.links[l] = { up: true, loss, dup: this.rng.chance(0.3) ? this.rng.range(0, 0.05) : 0, delayMin: 0.1, delayMax: this.rng.chance(0.2) ? 40 : 3 };
    }
  }

  log(line: string): void {
    this.trace.push(`${this.t.toFixed(1).padStart(8)} ${line}`);
    if (this.trace.length > 6000) this.trace.splice(0, 1000);
  }

  violation(what: string): void {
    if (this.violations.length < 5) this.violations.push(`t=${this.t.toFixed(1)} ${what}`);
    this.log(`VIOLATION ${what}`);
  }

  local(n: SimNode): number { return n.offset + n.rate * this.t; }
  wlocal(): number { return this.witness ? this.witness.offset + this.witness.rate * this.t : 0; }
  peerOf(n: SimNode): SimNode { return this.nodes[n === this.nodes[0] ? 1 : 0]!; }
  node(name: string): SimNode { return this.nodes.find((n) => n.name === name)!; }

  /** Runs events until `until`. */
  run(until: number): void {
    for (;;) {
      const e = this.q.pop();
      if (e === undefined) break;
      if (e.at > until) { this.q.push(e.at, e.run); break; }
      this.t = e.at;
      e.run();
      this.checkVip();
    }
    this.t = until;
  }

  at(delay: number, run: () => void): void { this.q.push(this.t + Math.max(0, delay), run); }

  /** Runs `fn` on node `n` in its current incarnation: dropped if it died, held while it is frozen. */
  onNode(n: SimNode, fn: () => void): () => void {
    const inc = n.incarnation;
    return () => {
      if (!n.up || n.incarnation !== inc) return;
      if (n.frozen) n.inbox.push(fn); else fn();
    };
  }

  // ---- nodes -------------------------------------------------------------------------------------

  start(n: SimNode): void {
    n.up = true;
    n.frozen = false;
    n.tickParked = false;
    n.inbox = [];
    n.incarnation += 1;
    n.offset = this.rng.range(0, 1e6) - n.rate * this.t;
    n.core = initCoreState(n.cfg, this.local(n), n.persisted, n.incarnation);
    n.op = null;
    n.leaseUntil = this.mode === 'witness' ? -Infinity : Infinity;
    this.log(`${n.name} starts (incarnation ${n.incarnation})`);
    this.scheduleTick(n, this.rng.range(0, n.cfg.tickMs));
  }

  /** Schedules node n's next tick `delay` ms of world time from now (superseding the pending one). */
  scheduleTick(n: SimNode, delay: number): void {
    const inc = n.incarnation;
    const token = ++n.tickToken;
    n.tickAt = this.t + Math.max(0, delay);
    this.at(delay, () => {
      if (!n.up || n.incarnation !== inc || n.tickToken !== token) return;
      n.tickAt = Infinity;
      if (n.frozen) { n.tickParked = true; return; }
      this.feed(n, { kind: 'probe', now: this.local(n), pg: this.probe(n) });
      this.feed(n, { kind: 'tick', now: this.local(n) });
    });
  }

  /** When the core wants its next tick (next-tick.ts), as world time, with 0-3 ms of timer lateness. */
  wantedTick(n: SimNode): number {
    const at = nextTickAt(n.cfg, n.core!);
    return this.t + (Math.max(0, at - this.local(n)) + this.rng.range(0, 3)) / n.rate;
  }

  crash(n: SimNode, why: string): void {
    if (!n.up) return;
    this.log(`${n.name} ${why}`);
    n.up = false;
    n.frozen = false;
    n.inbox = [];
    n.core = null;
    n.vip = false;
    n.op = null;
    this.stopPg(n, false);
  }

  freeze(n: SimNode): void { if (n.up && !n.frozen) { n.frozen = true; this.log(`${n.name} frozen`); } }

  thaw(n: SimNode): void {
    if (!n.up || !n.frozen) return;
    n.frozen = false;
    n.resumedAt = this.t;
    this.log(`${n.name} resumes`);
    const inbox = n.inbox;
    n.inbox = [];
    for (const fn of inbox) if (n.up && !n.frozen) fn();
    if (n.tickParked && n.up) { n.tickParked = false; this.scheduleTick(n, 0); }
  }

  /** Feeds one input to a node's core and carries out its effects. */
  feed(n: SimNode, input: Input): void {
    if (n.core === null) return;
    const r = step(n.cfg, n.core, input);
    n.core = r.state;
    // As the daemon does: a tick schedules the next, any other input may only bring it closer.
    if (n.up && !n.tickParked) {
      const at = this.wantedTick(n);
      if (input.kind === 'tick' || at < n.tickAt) this.scheduleTick(n, at - this.t);
    }
    for (const e of r.effects) this.apply(n, e);
  }

  probe(n: SimNode): PgReport {
    const pg = n.pg;
    const peer = this.peerOf(n).name;
    return {
      role: pg.role, timeline: pg.timeline, flushedLsn: pg.wal.length, replayedLsn: pg.wal.length,
      streaming: pg.role === 'standby' && pg.streaming,
      syncFlushedLsn: pg.role === 'primary' && pg.syncNames === peer ? pg.standbyFlushed : null,
    };
  }

  apply(n: SimNode, e: Effect): void {
    switch (e.kind) {
      case 'log': if (e.level !== 'debug') this.log(`${n.name}: ${e.sentence}`); break;
      case 'persist': n.persisted = e.state; break;
      case 'lease': n.leaseUntil = e.until; break;
      case 'send': {
        const peer = this.peerOf(n);
        for (const link of ['lan', 'hb']) this.transmit(link, () => this.onNode(peer, () => this.feed(peer, { kind: 'heartbeat', now: this.local(peer), link, hb: e.hb }))());
        break;
      }
      case 'witness': {
        const w = this.witness;
        if (w === null) break;
        const link = `w:${n.name}`;
        this.transmit(link, () => {
          if (!w.up) return;
          const out = handleRequest(this.wcfg, w.ws, e.request, this.wlocal());
          w.ws = out.ws;
          if (out.persist) w.persisted = out.persist;
          if (out.sentence) this.log(`witness: ${out.sentence}`);
          this.transmit(link, () => this.onNode(n, () => this.feed(n, { kind: 'witnessReply', now: this.local(n), reply: out.reply }))());
        });
        break;
      }
      case 'fence': {
        const target = this.node(e.node);
        const ok = !this.rng.chance(0.1);
        this.at(this.rng.range(50, 300), () => {
          if (ok) this.crash(target, 'is fenced (powered off)');
          this.onNode(n, () => this.feed(n, { kind: 'fenceDone', now: this.local(n), id: e.id, ok }))();
        });
        break;
      }
      case 'resource': this.resource(n, e.action); break;
    }
  }

  transmit(link: string, deliver: () => void): void {
    const l = this.links[link]!;
    if (!l.up || this.rng.chance(l.loss)) return;
    const copies = this.rng.chance(l.dup) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.at(this.rng.range(l.delayMin, l.delayMax), () => { if (this.links[link]!.up) deliver(); });
    }
  }

  // ---- the resource side -------------------------------------------------------------------------

  resource(n: SimNode, a: ResourceOp): void {
    const done = (delay: number, work: () => { ok: boolean; reason?: string; lsn?: number; timeline?: number }) => {
      const token = ++n.opToken;
      n.op = { id: a.id, kind: a.op };
      this.at(delay, this.onNode(n, () => {
        if (n.opToken !== token) return;
        n.op = null;
        const r = work();
        this.feed(n, { kind: 'resourceDone', now: this.local(n), id: a.id, ...r });
        if (a.op === 'stop' && n.core?.finished) { n.up = false; n.core = null; this.log(`${n.name} daemon exits`); }
      }));
    };
    switch (a.op) {
      case 'follow': return done(this.rng.range(50, 250), () => this.follow(n));
      case 'take': return done(this.rng.range(50, 250), () => this.take(n, a.syncStandby));
      case 'setSync': return done(this.rng.range(5, 30), () => {
        if (n.pg.role !== 'primary') return { ok: false, reason: 'not primary' };
        this.setSyncNames(n, a.syncStandby);
        return { ok: true, lsn: n.pg.wal.length };
      });
      case 'release': {
        // Drop the address first (within the action margin), even while another action runs.
        const token = ++n.opToken;
        n.op = { id: a.id, kind: 'release' };
        const vipDelay = this.rng.range(1, 20);
        this.at(vipDelay, this.onNode(n, () => { n.vip = false; }));
        this.at(vipDelay + this.rng.range(20, 150), this.onNode(n, () => {
          if (n.opToken !== token) return;
          n.op = null;
          n.vip = false;
          this.stopPg(n, true);
          this.feed(n, { kind: 'resourceDone', now: this.local(n), id: a.id, ok: true, lsn: n.pg.wal.length, timeline: n.pg.timeline });
        }));
        return;
      }
      case 'stop': return done(this.rng.range(20, 150), () => { n.vip = false; this.stopPg(n, true); return { ok: true }; });
    }
  }

  canStream(s: SimNode, p: SimNode): boolean {
    return s.up && p.up && !s.frozen && !p.frozen && this.links['lan']!.up && s.pg.role === 'standby' && p.pg.role === 'primary';
  }

  stopPg(n: SimNode, clean: boolean): void {
    const pg = n.pg;
    if (pg.role === 'primary' && clean) {
      pg.wal.push({ id: this.nextEntryId++, tl: pg.timeline, commit: false });
      const peer = this.peerOf(n);
      if (this.canStream(peer, n) && isPrefix(peer.pg.wal, pg.wal)) peer.pg.wal.push(...pg.wal.slice(peer.pg.wal.length));
    }
    pg.pending = [];
    pg.role = 'stopped';
    pg.streaming = false;
    pg.standbyFlushed = null;
  }

  setSyncNames(n: SimNode, names: string | null): void {
    n.pg.syncNames = names;
    if (names === null) { for (const p of n.pg.pending) this.ack(n, p.entry); n.pg.pending = []; }
  }

  follow(n: SimNode): { ok: boolean; reason?: string } {
    const peer = this.peerOf(n);
    if (n.pg.role === 'primary') this.stopPg(n, false);
    if (n.pg.role === 'standby') return { ok: true };
    if (!isPrefix(n.pg.wal, peer.pg.wal)) {
      if (!(peer.up && !peer.frozen && this.links['lan']!.up && peer.pg.role === 'primary')) return { ok: false, reason: 'rewind source unreachable' };
      const keep = commonPrefix(n.pg.wal, peer.pg.wal);
      const discarded = n.pg.wal.slice(keep);
      for (const e of discarded) if (this.acked.has(e.id)) this.violation(`rewind of ${n.name} discards acknowledged commit ${e.id}`);
      this.log(`${n.name} rewound: ${discarded.length} WAL entries discarded`);
      n.pg.wal = n.pg.wal.slice(0, keep);
    }
    n.pg.role = 'standby';
    n.pg.standbySignal = true;
    n.pg.streaming = false;
    return { ok: true };
  }

  take(n: SimNode, sync: string | null): { ok: boolean; reason?: string } {
    const pg = n.pg;
    if (this.local(n) >= n.leaseUntil) return { ok: false, reason: 'the lease ended before the promotion' };
    const was = pg.role === 'stopped' && pg.standbySignal ? 'standby' : pg.role;
    if (was === 'standby') {
      pg.timeline += 1;
      pg.wal.push({ id: this.nextEntryId++, tl: pg.timeline, commit: false });
    }
    pg.syncNames = sync;
    pg.role = 'primary';
    pg.standbySignal = false;
    pg.streaming = false;
    pg.pending = [];
    if (was !== 'primary') this.checkNewPrimary(n, was === 'standby' ? 'promotes' : 'starts as primary');
    if (this.local(n) >= n.leaseUntil) return { ok: false, reason: 'the lease ended before the address could be added' };
    n.vip = true;
    return { ok: true };
  }

  /** Invariants 2 and 3 when a node becomes primary. */
  checkNewPrimary(n: SimNode, how: string): void {
    this.log(`${n.name} ${how} on timeline ${n.pg.timeline} (WAL ${n.pg.wal.length})`);
    const ids = new Set(n.pg.wal.map((e) => e.id));
    for (const id of this.acked.keys()) {
      if (!ids.has(id)) { this.violation(`${n.name} ${how} without acknowledged commit ${id}`); break; }
    }
    const other = this.peerOf(n);
    if (other.up && other.pg.role === 'primary' && other.pg.syncNames !== n.name) {
      this.violation(`${n.name} ${how} while ${other.name} runs as primary that can acknowledge without it (synchronous_standby_names=${other.pg.syncNames ?? 'empty'})`);
    }
  }

  // ---- the database traffic ----------------------------------------------------------------------

  /** Streams WAL to standbys, acknowledges synchronous commits, and writes on every writable primary. */
  dbTick(): void {
    for (const s of this.nodes) {
      const p = this.peerOf(s);
      if (s.pg.role === 'standby' && !s.frozen) s.pg.streaming = false;
      if (p.pg.role === 'primary' && !p.frozen) p.pg.standbyFlushed = null;
    }
    for (const s of this.nodes) {
      const p = this.peerOf(s);
      if (!this.canStream(s, p) || !isPrefix(s.pg.wal, p.pg.wal)) continue;
      const n = Math.min(p.pg.wal.length - s.pg.wal.length, 200);
      for (let i = 0; i < n; i++) s.pg.wal.push(p.pg.wal[s.pg.wal.length]!);
      s.pg.timeline = p.pg.timeline;
      s.pg.streaming = true;
      p.pg.standbyFlushed = s.pg.wal.length;
      if (p.pg.syncNames === s.name) {
        const flushed = s.pg.wal.length;
        const still = [];
        for (const w of p.pg.pending) if (w.lsn <= flushed) this.ack(p, w.entry); else still.push(w);
        p.pg.pending = still;
      }
    }
    for (const n of this.nodes) {
      if (!n.up || n.frozen || n.pg.role !== 'primary') continue;
      const entry: WalEntry = { id: this.nextEntryId++, tl: n.pg.timeline, commit: true };
      n.pg.wal.push(entry);
      if (n.pg.syncNames === null) this.ack(n, entry);
      else n.pg.pending.push({ entry, lsn: n.pg.wal.length });
    }
  }

  /** Invariant 1: acknowledgements never go back in timeline, and one timeline has one writer. */
  ack(n: SimNode, e: WalEntry): void {
    this.acked.set(e.id, { node: n.name, tl: e.tl, at: this.t });
    const last = this.lastAck;
    if (last !== null && (e.tl < last.tl || (e.tl === last.tl && last.node !== n.name))) {
      this.violation(`two primaries acknowledged writes: ${last.node} on timeline ${last.tl}, then ${n.name} on timeline ${e.tl}`);
    }
    if (last === null || e.tl >= last.tl) this.lastAck = { node: n.name, tl: e.tl };
    if (this.watch && this.watch.firstAckAt === null && n.name === this.watch.node && this.t >= this.watch.since) this.watch.firstAckAt = this.t;
  }

  /**
   * The address on two running nodes at once. A frozen node is the documented exception (nothing but a
   * watchdog or a fence removes its address while it is stopped), including the action margin it needs
   * after it resumes to notice its lapsed lease and drop the address.
   */
  checkVip(): void {
    const [a, b] = this.nodes as [SimNode, SimNode];
    const live = (n: SimNode): boolean => n.vip && n.up && !n.frozen && this.t - n.resumedAt > n.cfg.actMarginMs;
    if (live(a) && live(b)) this.violation('the address is up on both nodes');
  }

  /** Invariant 4 after the heal: one primary holding the service, the other streaming from it, nothing lost. */
  checkConverged(): void {
    const primaries = this.nodes.filter((n) => n.up && n.pg.role === 'primary' && n.vip && n.core?.holding);
    if (primaries.length !== 1) {
      this.violation(`after the heal ${primaries.length} primaries hold the service (${this.nodes.map((n) => `${n.name}: up=${n.up} pg=${n.pg.role} vip=${n.vip} holding=${n.core?.holding}`).join('; ')})`);
      return;
    }
    const p = primaries[0]!;
    const s = this.peerOf(p);
    if (!(s.up && s.pg.role === 'standby' && s.pg.streaming && isPrefix(s.pg.wal, p.pg.wal))) {
      this.violation(`after the heal ${s.name} does not stream from ${p.name} (pg=${s.pg.role} streaming=${s.pg.streaming})`);
    }
    const ids = new Set(p.pg.wal.map((e) => e.id));
    for (const id of this.acked.keys()) if (!ids.has(id)) { this.violation(`acknowledged commit ${id} is missing on the final primary ${p.name}`); break; }
  }
}
