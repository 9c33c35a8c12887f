// The daemon loop: feeds the core its inputs (ticks with a probe reading, heartbeats from every medium,
// witness replies, action outcomes, operator commands) one at a time, and carries out its effects in
// order, persisting the agreed state before anything that follows it.
import { addressProbeNeeded, peerKnownDown } from '../core/address-probe.ts';
import type { AgreedState } from '../core/agreed-state.ts';
import type { CoreConfig } from '../core/core-config.ts';
import { initCoreState, type CoreState } from '../core/core-state.ts';
import type { Effect, ResourceOp } from '../core/effects.ts';
import { HEARTBEAT_TYPE, parseHeartbeat } from '../core/heartbeat-wire.ts';
import type { Command, Input } from '../core/inputs.ts';
import type { PgReport } from '../core/pg-report.ts';
import { nextTickAt, settled } from '../core/next-tick.ts';
import { statusOf, type StatusReport } from '../core/status.ts';
import { step } from '../core/step.ts';
import type { Clock, Fencer, Medium, OpResult, ServiceResources, Store, WitnessLink } from '../ports.ts';
import { REPLY_TYPE, REQUEST_TYPE, WITNESS_NAME, parseWitnessReply } from '../witness/witness-wire.ts';

/** An authenticated, replay-checked packet (the codec's job), or null for a dropped frame. */
export interface Received {
  from: string;
  type: string;
  body: Record<string, unknown>;
  /** A copy of a packet already received on another medium: it only tells that this medium works. */
  duplicate: boolean;
}

/** Everything the daemon is wired to. */
export interface DaemonDeps {
  cfg: CoreConfig;
  incarnation: number;
  clock: Clock;
  store: Store<AgreedState>;
  media: Medium[];
  /** Signs a packet of `type` (to `to`, or to everyone). */
  encode: (type: string, body: Record<string, unknown>, to?: string) => Uint8Array;
  /** Checks a frame; null when it is dropped (counted by the codec). */
  decode: (frame: Uint8Array) => Received | null;
  witness: WitnessLink | null;
  resources: ServiceResources;
  /**
   * The local database's latest reading, read as each tick starts; `settled`: the core is in the
   * settled pair (next-tick.ts), where a reading may be older (the probe can query less often).
   */
  probe: (settled: boolean) => PgReport | null;
  fencer: Fencer | null;
  fenceTimeoutMs: number;
  log: (level: 'debug' | 'info' | 'warn' | 'crit', line: string) => void;
}

/** The running daemon. */
export interface Daemon {
  status(): StatusReport;
  /** Gives an operator command; resolves once the service moved (or did not) with a sentence. */
  command(c: Command, waitMs: number): Promise<string>;
  /** Resolves when the core finished (after a shutdown command). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the daemon loop. */
export const startDaemon = async (d: DaemonDeps): Promise<Daemon> => {
  const persisted = await d.store.load();
  let s: CoreState = initCoreState(d.cfg, d.clock.now(), persisted, d.incarnation);
  let leaseUntil = d.cfg.witness ? -Infinity : Infinity;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  // The core's latest warning: why a command moved nothing, when it did not wait on anything.
  let lastWarning: string | null = null;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => { finish = r; });

  const enqueue = (input: () => Input): void => {
    if (stopped) return;
    queue = queue.then(() => feed(input())).catch((e: unknown) => d.log('crit', `Core step failed: ${(e as Error).stack ?? String(e)}`));
  };

  const feed = async (input: Input): Promise<void> => {
    const r = step(d.cfg, s, input);
    s = r.state;
    // A tick schedules the next one; any other input can only bring it closer (next-tick.ts).
    schedule(input.kind === 'tick');
    for (const e of r.effects) await apply(e);
    if (s.finished) finish();
  };

  const apply = async (e: Effect): Promise<void> => {
    switch (e.kind) {
      case 'log':
        if (e.level === 'warn' || e.level === 'crit') lastWarning = e.sentence;
        d.log(e.level, e.sentence);
        return;
      case 'persist': await d.store.save(e.state); return;
      case 'lease': leaseUntil = e.until; return;
      case 'send': {
        const frame = d.encode(HEARTBEAT_TYPE, e.hb as unknown as Record<string, unknown>, d.cfg.peer);
        for (const m of d.media) void m.send(frame);
        return;
      }
      case 'witness':
        d.witness?.send(d.encode(REQUEST_TYPE, e.request as unknown as Record<string, unknown>, WITNESS_NAME));
        return;
      case 'fence': {
        const f = d.fencer;
        void (f ? f.fence(e.node, d.fenceTimeoutMs) : Promise.resolve(false))
          .then((ok) => enqueue(() => ({ kind: 'fenceDone', now: d.clock.now(), id: e.id, ok })));
        return;
      }
      case 'resource': {
        void runOp(e.action).catch((err: unknown) => ({ ok: false, reason: (err as Error).message }))
          .then((res: OpResult) => enqueue(() => ({ kind: 'resourceDone', now: d.clock.now(), id: e.action.id, ...res })));
        return;
      }
    }
  };

  const runOp = (a: ResourceOp): Promise<OpResult> => {
    switch (a.op) {
      case 'follow': return d.resources.follow();
      case 'take': return d.resources.take(a.syncStandby, () => (d.clock.now() < leaseUntil ? leaseUntil : -Infinity), { dad: addressProbeNeeded(s), peerDown: peerKnownDown(s) });
      case 'release': return d.resources.release(a.urgent);
      case 'setSync': return d.resources.setSync(a.syncStandby);
      case 'stop': return d.resources.stop();
    }
  };

  const onFrame = (link: string) => (frame: Uint8Array): void => {
    const p = d.decode(frame);
    if (p === null) return;
    if (p.type === HEARTBEAT_TYPE && p.from === d.cfg.peer) {
      const hb = parseHeartbeat(p.from, p.body);
      if (typeof hb === 'string') { d.log('warn', `Dropped a heartbeat from ${p.from}: ${hb}`); return; }
      enqueue(() => ({ kind: 'heartbeat', now: d.clock.now(), link, hb }));
    } else if (p.type === REPLY_TYPE && p.from === WITNESS_NAME && !p.duplicate) {
      const reply = parseWitnessReply(p.body);
      if (typeof reply === 'string') { d.log('warn', `Dropped a witness reply: ${reply}`); return; }
      enqueue(() => ({ kind: 'witnessReply', now: d.clock.now(), reply }));
    }
  };
  for (const m of d.media) {
    m.onFrame(onFrame(m.name));
    m.onStatus((st) => enqueue(() => ({ kind: 'medium', now: d.clock.now(), link: m.name, up: st.up, reason: st.reason })));
  }
  d.witness?.onFrame(onFrame('witness'));

  // The core's clock: a tick (with the probe's latest reading first) when the core wants one: every
  // tickMs while anything moves, at the next deadline in the settled pair (next-tick.ts).
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;
  const tick = (): void => {
    timer = undefined;
    timerAt = Infinity;
    enqueue(() => ({ kind: 'probe', now: d.clock.now(), pg: d.probe(settled(d.cfg, s)) }));
    enqueue(() => ({ kind: 'tick', now: d.clock.now() }));
  };
  const schedule = (afterTick: boolean): void => {
    if (stopped) return;
    const at = nextTickAt(d.cfg, s);
    if (!afterTick && at >= timerAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(tick, Math.max(0, at - d.clock.now()));
  };
  timer = setTimeout(tick, d.cfg.tickMs);
  timerAt = d.clock.now() + d.cfg.tickMs;

  const command = async (c: Command, waitMs: number): Promise<string> => {
    const before = s.holding;
    lastWarning = null;
    enqueue(() => ({ kind: 'command', now: d.clock.now(), command: c }));
    await queue;
    const deadline = d.clock.now() + waitMs;
    while (d.clock.now() < deadline && !stopped) {
      await new Promise((r) => setTimeout(r, 50));
      if (c === 'standby' && before && !s.holding && s.agreed.primary !== d.cfg.self && s.peerHb?.holding) return `${d.cfg.peer} holds the service now.`;
      if (c === 'takeover' && s.holding) return `${d.cfg.self} holds the service now.`;
      if (c === 'shutdown' && s.finished) return 'Stopped.';
      const reason = s.waiting ?? lastWarning;
      if (c !== 'shutdown' && s.command === null && s.holding === before && reason !== null && d.clock.now() > deadline - waitMs + 2 * d.cfg.deadtimeMs) return `Nothing moved: ${reason}`;
    }
    return `Nothing moved within ${waitMs} ms (${s.holding ? 'this node holds the service' : 'this node does not hold the service'}).`;
  };

  return {
    status: () => statusOf(d.cfg, s),
    command,
    finished,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await queue;
    },
  };
};
