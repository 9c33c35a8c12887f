// Fault injectors: each returns when the fault is in place, with the time it was injected (the
// moment before its first action) and, where it has one, the way back. Every process is reached by
// PID (the node's process tree, or a PID read inside the node); nothing is signalled by name.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ip } from '../netns.ts';
import type { Bed } from './bed.ts';
import { PGDATA } from './node.ts';
import { ADDR, NIC, type NodeName } from './topology.ts';

/** An injected fault. */
export interface Fault {
  name: string;
  node: NodeName;
  /** When it was injected (ms since the epoch, taken just before the first action). */
  at: number;
  /** Undoes it (links up, serial line back, processes continued) when it can be undone; idempotent. */
  heal(): Promise<void>;
}

const once = (f: () => Promise<void>): (() => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= f());
};

/** Sets a node's interfaces down or up (inside its namespace). */
export const setLinks = (bed: Bed, node: NodeName, links: readonly ('service' | 'heartbeat')[], state: 'up' | 'down'): void => {
  for (const l of links) ip('-n', bed.topology.ns[node], 'link', 'set', NIC[l], state);
};

/**
 * What a machine that boots again has on its service interface: its own address only. The namespace
 * outlives the node's processes, so the addresses its agents added (the VIP) are removed here.
 */
export const resetAddresses = (bed: Bed, node: NodeName): void => {
  const ns = bed.topology.ns[node];
  ip('-n', ns, 'addr', 'flush', 'dev', NIC.service);
  ip('-n', ns, 'addr', 'add', `${ADDR.service[node]}/${ADDR.prefix}`, 'dev', NIC.service);
};

/**
 * Power loss: the node's links go down (its addresses stop answering, as a dead machine's do) and its
 * first process is SIGKILLed (the kernel ends every process of the node), and its service interface
 * keeps only its own address (resetAddresses). heal() only brings the links back: booting the node
 * again is nodes[node].start(), or bed.rejoin(node).
 */
export const powerLoss = async (bed: Bed, node: NodeName): Promise<Fault> => {
  setLinks(bed, node, ['service', 'heartbeat'], 'down');
  // The fault's moment is when the node is off the network: a write answered while `ip` was still
  // running was answered by a node that was still there.
  const at = Date.now();
  await bed.nodes[node].kill();
  resetAddresses(bed, node);
  return { name: 'power loss', node, at, heal: once(async () => setLinks(bed, node, ['service', 'heartbeat'], 'up')) };
};

/**
 * The engines' power-loss trial: the clients write through the VIP (every 20 ms, probes every 50 ms)
 * for 3 s, `node` loses power, and once `successor` acknowledges a write (it must within 60 s) the
 * clients write 2 s more. Returns the fault; the clients are still running.
 */
export const powerLossUntilServed = async (bed: Bed, node: NodeName, successor: NodeName): Promise<Fault> => {
  await bed.startClients({ writeIntervalMs: 20, probeIntervalMs: 50 });
  await sleep(3_000);
  const fault = await powerLoss(bed, node);
  const resumed = await bed.waitForWritesOn(successor, fault.at, 60_000);
  assert.ok(resumed, `no write acknowledged by ${successor} after ${node}'s power loss:\n${bed.diagnose()}`);
  await sleep(2_000);
  return fault;
};

/**
 * kill -9 of every process on the node, the machine itself left running: its links stay up and its
 * service interface keeps every address its agents added (the VIP), as a kernel does after its
 * processes die. heal() does nothing: booting the node's daemons again is nodes[node].start(), which
 * finds the addresses as they were left.
 */
export const killAll = async (bed: Bed, node: NodeName): Promise<Fault> => {
  const at = Date.now();
  await bed.nodes[node].kill();
  return { name: 'every process killed', node, at, heal: async () => undefined };
};

/** kill -9 of the node's postmaster (PID from postmaster.pid, signalled inside the node's PID namespace). */
export const postmasterCrash = async (bed: Bed, node: NodeName): Promise<Fault> => {
  const r = bed.nodes[node].run(['sh', '-c', `pid=$(head -1 ${PGDATA}/postmaster.pid) && [ -n "$pid" ] && kill -KILL "$pid"`], { timeoutMs: 10_000 });
  if (r.status !== 0) throw new Error(`could not kill the postmaster on ${node}: ${r.out}`);
  const at = Date.now();
  return { name: 'postmaster crash', node, at, heal: async () => undefined };
};

/**
 * A postmaster that keeps crashing: kill -9 of the node's postmaster, then of each new postmaster
 * that appears (a restart in place, even one still starting) until `until()` says so (checked before
 * each kill), at most `maxKills` kills within `withinMs`. Resolves after the first kill; `done`
 * resolves with the number of kills once the loop ends; heal() ends it early.
 */
export const postmasterCrashLoop = async (bed: Bed, node: NodeName, o: { until: () => boolean; maxKills: number; withinMs?: number }): Promise<Fault & { done: Promise<number> }> => {
  const pidOf = (): string => {
    // The PID in postmaster.pid, when that process lives (inside the node's PID namespace).
    const r = bed.nodes[node].run(['sh', '-c', `pid=$(head -1 ${PGDATA}/postmaster.pid 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"`], { timeoutMs: 5_000 });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  const killPid = (pid: string): boolean => bed.nodes[node].run(['kill', '-KILL', pid], { timeoutMs: 5_000 }).status === 0;
  const first = pidOf();
  if (first === '' || !killPid(first)) throw new Error(`could not kill the postmaster on ${node}`);
  const at = Date.now();
  let stop = false;
  const done = (async () => {
    let kills = 1;
    const killed = new Set([first]);
    for (let i = 0; i < 100_000 && kills < o.maxKills && !stop && Date.now() - at < (o.withinMs ?? 60_000); i++) {
      await sleep(50);
      if (o.until()) break;
      const pid = pidOf();
      if (pid !== '' && !killed.has(pid) && killPid(pid)) {
        killed.add(pid);
        kills++;
      }
    }
    return kills;
  })();
  return { name: 'postmaster crash loop', node, at, done, heal: once(async () => { stop = true; await done; }) };
};

/** One link of a node down (`ip link set down` in its namespace; the veth peer loses carrier too). */
export const linkDown = async (bed: Bed, node: NodeName, link: 'service' | 'heartbeat'): Promise<Fault> => {
  setLinks(bed, node, [link], 'down');
  const at = Date.now();
  return { name: `${link} link down`, node, at, heal: once(async () => setLinks(bed, node, [link], 'up')) };
};

/** The serial line removed (socat ended by PID); heal() starts a new pty pair behind the same paths. */
export const serialDown = async (bed: Bed, node: NodeName = 'castor'): Promise<Fault> => {
  const at = Date.now();
  await bed.serial.down();
  return { name: 'serial line removed', node, at, heal: once(() => bed.serial.up()) };
};

/** Every link of a node cut: service LAN, heartbeat link and serial line; heal() restores all three. */
export const isolate = async (bed: Bed, node: NodeName): Promise<Fault> => {
  setLinks(bed, node, ['service', 'heartbeat'], 'down');
  const at = Date.now();
  await bed.serial.down();
  return {
    name: 'isolated', node, at,
    heal: once(async () => {
      setLinks(bed, node, ['service', 'heartbeat'], 'up');
      await bed.serial.up();
    }),
  };
};

/** Host PIDs of `pid`'s descendants (children of every thread), depth first, bounded. */
export const descendants = (pid: number): number[] => {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length && out.length < 10_000) {
    const p = todo.pop()!;
    let kids: number[] = [];
    try {
      kids = readdirSync(`/proc/${p}/task`).flatMap((t) => {
        try {
          return readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        } catch {
          return [];
        }
      });
    } catch {
      // Gone.
    }
    for (const k of kids) {
      out.push(k);
      todo.push(k);
    }
  }
  return out;
};

const signalAll = (pids: readonly number[], signal: NodeJS.Signals): void => {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // Gone.
    }
  }
};

/**
 * The node frozen: SIGSTOP to its first process and every descendant (three passes, for children
 * forked meanwhile), held `ms`, then SIGCONT to all (heal() continues them early). Resolves once
 * the node is stopped; the thaw happens in the background after `ms`.
 */
export const freeze = async (bed: Bed, node: NodeName, ms: number): Promise<Fault & { thawed: Promise<void> }> => {
  const init = bed.nodes[node].init();
  if (init === undefined) throw new Error(`${node} is not running`);
  const at = Date.now();
  const stopped = new Set<number>([init]);
  signalAll([init], 'SIGSTOP');
  for (let pass = 0; pass < 3; pass++) {
    const fresh = descendants(init).filter((p) => !stopped.has(p));
    if (fresh.length === 0) break;
    signalAll(fresh, 'SIGSTOP');
    for (const p of fresh) stopped.add(p);
  }
  const heal = once(async () => {
    // Children first, the first process last, then once more for anything missed.
    signalAll([...stopped].reverse(), 'SIGCONT');
    signalAll(descendants(init), 'SIGCONT');
  });
  const thawed = sleep(ms).then(heal);
  return { name: `frozen ${ms} ms`, node, at, heal, thawed };
};

/** Graceful switchover away from `from` with the engine's own command. */
export const switchover = async (bed: Bed, from: NodeName): Promise<Fault> => {
  const at = Date.now();
  await bed.engine.switchover(bed, bed.nodes, from);
  return { name: 'switchover', node: from, at, heal: async () => undefined };
};
