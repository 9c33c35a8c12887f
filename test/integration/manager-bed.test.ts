// test: exclusive (installs the agents into /usr/lib/ocf and runs pgbeat cluster daemons)
// pgbeat on the shared bed (test/helpers/bed/): castor and pollux with PostgreSQL 15 (primary + sync
// standby, sync_mode=fallback), the VIP, a witness, a client writing through the VIP every 20 ms and a
// prober on each node looking for two primaries acknowledging writes. Trials in sequence on one bed;
// each prints the checker's report (gap = fault -> first acknowledged write through the VIP) and
// asserts: no acknowledged write lost, never two primaries acknowledging writes, the right node after;
// after each heal, the old primary streams again (its discard report checked where it was rewound)
// and every write the client saw acknowledged, in any trial so far, is on the final primary.
// Issue 10's faults: power loss and kill -9 of every process (links up) of the primary, its
// postmaster killed (once, and in a loop), its heartbeat link down, all its links cut then healed,
// the primary frozen past deadtime then thawed, switchover (pgbeat standby / takeover), the standby
// lost under sync fallback (here) and strict (manager-bed-strict.test.ts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { installIntoSystem } from '../helpers/install.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { buildBed, type Bed } from '../helpers/bed/bed.ts';
import { pgbeatBin, pgbeatEngine } from '../helpers/bed/engines/pgbeat.ts';
import { freeze, isolate, killAll, linkDown, postmasterCrash, postmasterCrashLoop, powerLoss, type Fault } from '../helpers/bed/faults.ts';
import { discardReports, readDiscardReport } from '../helpers/bed/discard-reports.ts';
import { formatTrial, type TrialReport } from '../helpers/bed/report.ts';
import { inRecovery, streamsFrom } from '../helpers/bed/sql.ts';
import { ADDR, type NodeName } from '../helpers/bed/topology.ts';

const missing = ['/usr/bin/socat', ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
  .filter((f) => !existsSync(f));

let bed: Bed | undefined;
let install: ReturnType<typeof installIntoSystem> | undefined;
const gaps: string[] = [];

const other = (n: NodeName): NodeName => (n === 'castor' ? 'pollux' : 'castor');
const configDir = (n: NodeName): string => join(bed!.base, `${n}-ha.d`);

/** Runs the clients around a fault until `to` acknowledges writes again; prints and returns the report. */
const trial = async (title: string, to: NodeName, inject: () => Promise<Fault>, o: { settleMs?: number; waitMs?: number; resumeAfterMs?: number; resumed?: () => Promise<void> } = {}): Promise<{ r: TrialReport; fault: Fault }> => {
  const b = bed!;
  await b.startClients({ writeIntervalMs: 20, probeIntervalMs: 50 });
  await sleep(1_000);
  const fault = await inject();
  const resumed = await b.waitForWritesOn(to, fault.at + (o.resumeAfterMs ?? 0), o.waitMs ?? 30_000);
  if (!resumed) {
    await b.stopClients();
    console.log(`# ${title}: no write on ${to}; pgbeat log lines since the fault:\n${timeline(fault.at, Date.now()).map((l) => `#   ${l}`).join('\n')}`);
  }
  // The message only on failure: diagnose() asks both nodes (a frozen one until psql times out).
  if (!resumed) assert.fail(`${title}: no write acknowledged by ${to}:\n${b.diagnose()}`);
  // With the clients still writing (a thaw, say: what the node does once it runs again is watched).
  await o.resumed?.();
  await sleep(o.settleMs ?? 1_000);
  await b.stopClients();
  const r = b.report(fault.at);
  console.log(`# ${formatTrial(`pgbeat, ${title}`, r).split('\n').join('\n# ')}`);
  console.log(`# where the time went (pgbeat log lines, ms after the fault):\n${timeline(fault.at, fault.at + (r.gapMs ?? 5_000) + 300).map((l) => `#   ${l}`).join('\n')}`);
  if ((r.gapMs ?? Infinity) > 1_500) {
    // A slow trial: the writer's attempts around the fault, to tell the manager's time from the client's.
    const around = b.writes().filter((w) => w.sent >= fault.at - 3_000 && w.sent <= fault.at + (r.gapMs ?? 10_000)).filter((w, i, all) => w.ack === undefined || i === 0 || all[i - 1]!.ack === undefined);
    console.log(`# writer around the fault (ms after it; acknowledged runs shown by their first write):\n${around.slice(0, 30).map((w) => `#   sent +${w.sent - fault.at} ${w.ack !== undefined ? `ack +${w.ack - fault.at} by ${w.node}` : `failed +${(w.failed ?? 0) - fault.at}: ${w.error}`}`).join('\n')}`);
  }
  gaps.push(`${title}: gap ${r.gapMs} ms (longest silence ${r.outageMs} ms), lost ${r.lost.length}, two primaries acknowledging ${r.twoAcknowledgingMs} ms`);
  return { r, fault };
};

/** Both daemons' log lines between `from` and `to` (ms since the epoch), as "+ms node line", in time order. */
const timeline = (from: number, to: number, limit = 60): string[] => (['castor', 'pollux'] as const).flatMap((n) => {
  const file = join(bed!.base, `${n}-pgbeat.out`);
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  return lines.flatMap((l) => {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/.exec(l);
    const t = m ? Date.parse(m[1]!) : NaN;
    return m && t >= from && t <= to ? [{ t, text: `+${String(t - from).padStart(5)} ${n.padEnd(6)} ${m[2]!.slice(0, 160)}` }] : [];
  });
}).sort((a, b) => a.t - b.t).map((x) => x.text).filter((_, i) => i < limit);

/**
 * No acknowledged write lost, never two primaries acknowledging writes, and `to` took the first write
 * sent after the fault (after a command the old primary may still take writes until it hands over:
 * then `to` took writes after it, and the figure is the longest silence).
 */
const assertSafe = (r: TrialReport, title: string, to: NodeName, o: { command?: boolean } = {}): void => {
  assert.deepEqual(r.lost, [], `${title}: no acknowledged write lost`);
  assert.equal(r.twoAcknowledgingMs, 0, `${title}: never two primaries acknowledging writes`);
  if (o.command) assert.ok((r.afterByNode[to] ?? 0) > 0, `${title}: ${to} took writes after the command`);
  else assert.equal(r.after, to, `${title}: ${to} acknowledged the first write sent after the fault`);
};

/** Waits until `primary` holds the VIP alone and `standby` streams from it. */
const settled = async (primary: NodeName, standby: NodeName, timeoutMs = 60_000): Promise<void> => {
  const b = bed!;
  const ok = await waitUntil(() => b.finalPrimary() === primary && streamsFrom(b.nodes[primary], standby) && agreedSync(primary) === standby, { timeoutMs, stepMs: 1_000 });
  if (!ok) assert.fail(`${primary} primary with the VIP, ${standby} streaming from it and recorded its synchronous standby (agreed: ${agreedText(primary)}):\n${b.diagnose()}`);
  // After the heal, every write the client saw acknowledged (in every trial so far) is on the final primary.
  const lost = b.report(Date.now()).lost;
  assert.deepEqual(lost, [], `after the heal, every acknowledged write is on the final primary ${primary} (missing: ${lost.slice(0, 10).join(', ')})`);
};

/** `pgbeat status --json` on `n` (undefined when it does not answer). */
const statusOf = (n: NodeName): { agreed?: { sync?: string | null; text?: string } } | undefined => {
  const r = bed!.nodes[n].run([pgbeatBin(), 'status', '--json', '--config-dir', configDir(n)], { timeoutMs: 10_000 });
  try {
    return r.status === 0 ? JSON.parse(r.stdout) : undefined;
  } catch {
    return undefined;
  }
};
const agreedSync = (n: NodeName): string | null | undefined => statusOf(n)?.agreed?.sync;
const agreedText = (n: NodeName): string => statusOf(n)?.agreed?.text ?? 'unknown';

/** The deadtime in `n`'s ha.cf, in ms (a number is seconds, as in heartbeat; or 500ms). */
const deadtimeOf = (n: NodeName): number => {
  const m = /^deadtime\s+(\d+(?:\.\d+)?)(ms|s)?\s*$/m.exec(readFileSync(join(configDir(n), 'ha.cf'), 'utf8'));
  assert.ok(m, `a deadtime line in ${n}'s ha.cf`);
  return m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1_000;
};

/** A node powered on again after a power loss: links up, pgbeat booted. */
const powerOn = async (fault: Fault): Promise<void> => {
  await fault.heal();
  await bed!.nodes[fault.node].start();
};

const pgbeatCommand = (n: NodeName, command: 'standby' | 'takeover'): { status: number | null; out: string } =>
  bed!.nodes[n].run([pgbeatBin(), command, '--config-dir', configDir(n)], { timeoutMs: 60_000 });

/**
 * The discard reports `n` wrote since `before` (its earlier reports), as `expect` says: exactly one
 * (it diverged for sure: it acknowledged nothing the new primary has not, but had WAL of its own),
 * none (a clean handover: nothing to discard), or at most one (a node killed mid-commit may or may
 * not have WAL the new primary lacks). A report is checked: the agent's header, the node and the new
 * primary named, the fork point, and counts that match the transaction lines.
 */
const assertDiscardReports = (n: NodeName, newPrimary: NodeName, before: readonly string[], expect: 'one' | 'none' | 'at most one'): void => {
  const fresh = discardReports(bed!, n).filter((f) => !before.includes(f));
  if (expect === 'none') {
    assert.deepEqual(fresh, [], `${n} discarded nothing when it rejoined`);
    return;
  }
  if (expect === 'one') assert.equal(fresh.length, 1, `${n} wrote exactly one discard report when it was rewound (new: ${JSON.stringify(fresh)})`);
  else assert.ok(fresh.length <= 1, `${n} wrote at most one discard report when it rejoined (new: ${JSON.stringify(fresh)})`);
  if (fresh.length === 0) {
    console.log(`# ${n} rejoined without a rewind (nothing of its own past the fork)`);
    return;
  }
  const text = readDiscardReport(bed!, n, fresh[0]!);
  console.log(`# ${n}'s discard report ${fresh[0]}:\n${text.split('\n').slice(0, 12).map((l) => `#   ${l}`).join('\n')}`);
  assert.match(text, /^# pgbeat: transactions in WAL that a rewind discards\n/, 'the report\'s header');
  assert.match(text, new RegExp(`^# node: ${n}$`, 'm'), 'it names the rewound node');
  // The agent finds the new primary through primary_host (the VIP, which `newPrimary` holds now).
  const primary = /^# new primary: (\S+) \(([^)]+)\) on timeline (\d+)$/m.exec(text);
  assert.ok(primary, 'it names the new primary');
  assert.ok(primary[2]!.startsWith(`${ADDR.vip}:`) || primary[2]!.startsWith(`${ADDR.service[newPrimary]}:`), `the new primary is ${newPrimary} or its VIP: ${primary[0]}`);
  const fork = /^# fork point: timeline (\d+) at [0-9A-F]+\/[0-9A-F]+$/m.exec(text);
  assert.ok(fork, 'it names the fork point');
  assert.ok(Number(primary[3]) > Number(fork[1]), 'the new primary\'s timeline is past the fork');
  assert.match(text, /^# action: pg_rewind$/m, 'the action was a rewind');
  const counts = /^# transactions: (\d+) \((\d+) committed, (\d+) aborted, (\d+) prepared, (\d+) in progress\)$/m.exec(text);
  assert.ok(counts, 'it counts the transactions');
  const lines = text.split('\n').filter((l) => l.startsWith('xid='));
  assert.equal(lines.length, Number(counts[1]), 'one line per transaction counted');
  assert.equal(lines.filter((l) => / outcome=committed /.test(l)).length, Number(counts[2]), 'the committed ones counted');
};

describe('pgbeat on the bed (real PostgreSQL pair, VIP, witness, sync_mode=fallback)', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  before(async () => {
    install = installIntoSystem();
    bed = await buildBed({ engine: pgbeatEngine({ syncMode: 'fallback' }), progress: (l) => console.log(`# bed: ${l}`) });
  });

  after(async () => {
    console.log(`# gaps (fault -> first acknowledged write through the VIP):\n${gaps.map((g) => `#   ${g}`).join('\n')}`);
    try {
      for (const n of ['castor', 'pollux'] as const) {
        const log = join(bed?.base ?? '/nonexistent', `${n}-pgbeat.out`);
        if (existsSync(log) && process.env['PGBEAT_BED_LOGS']) console.log(`# ${n} pgbeat log:\n${readFileSync(log, 'utf8').split('\n').map((l) => `#   ${l}`).join('\n')}`);
      }
      const failed = await bed?.down();
      assert.deepEqual(failed ?? [], [], 'down() undid everything');
    } finally {
      install?.restore();
    }
  });

  it('castor loses power (every process killed, links down): pollux takes over; every acknowledged write is there; never two primaries; castor comes back as a standby, rewound with its report if it diverged', async () => {
    const b = bed!;
    const reportsBefore = discardReports(b, 'castor');
    const { r, fault } = await trial('power loss of the primary', 'pollux', () => powerLoss(b, 'castor'));
    assertSafe(r, 'power loss', 'pollux');
    assert.equal(r.afterByNode['castor'], undefined);
    await powerOn(fault);
    await settled('pollux', 'castor');
    assertDiscardReports('castor', 'pollux', reportsBefore, 'at most one');
  });

  it('the heartbeat link of the primary goes down: no failover, writes go on; healed, castor still streams and nothing was discarded', async () => {
    const b = bed!;
    const reportsBefore = { castor: discardReports(b, 'castor'), pollux: discardReports(b, 'pollux') };
    const { r, fault } = await trial('heartbeat link down', 'pollux', () => linkDown(b, 'pollux', 'heartbeat'), { settleMs: 3_000 });
    assertSafe(r, 'heartbeat link down', 'pollux');
    assert.equal(r.afterByNode['castor'], undefined, 'castor never took writes');
    assert.equal(inRecovery(b.nodes.castor), 't', 'castor is still a standby');
    await fault.heal();
    await settled('pollux', 'castor');
    assertDiscardReports('castor', 'pollux', reportsBefore.castor, 'none');
    assertDiscardReports('pollux', 'pollux', reportsBefore.pollux, 'none');
  });

  it('the primary is cut off from everything: it stops taking writes, castor takes over, nothing acknowledged is lost; on heal it is rewound and streams', async () => {
    const b = bed!;
    const reportsBefore = discardReports(b, 'pollux');
    const { r, fault } = await trial('primary cut off', 'castor', () => isolate(b, 'pollux'), { settleMs: 3_000 });
    assertSafe(r, 'cut off', 'castor');
    assert.equal(r.afterByNode['pollux'], undefined, 'the cut-off pollux acknowledged nothing sent after the fault');
    await fault.heal();
    await settled('castor', 'pollux', 90_000);
    assertDiscardReports('pollux', 'castor', reportsBefore, 'one');
  });

  it('the standby dies (fallback): writes resume on the primary once SOLO is recorded; it comes back and streams', async () => {
    const b = bed!;
    const { r, fault } = await trial('standby power loss (fallback)', 'castor', () => powerLoss(b, 'pollux'));
    assertSafe(r, 'standby death', 'castor');
    await powerOn(fault);
    await settled('castor', 'pollux');
  });

  it('`pgbeat standby` on the primary hands over and reports it; `pgbeat takeover` brings it back; neither old primary discards anything', async () => {
    const b = bed!;
    const castorReports = discardReports(b, 'castor');
    const polluxReports = discardReports(b, 'pollux');
    let out = '';
    const s = await trial('pgbeat standby', 'pollux', async () => {
      const at = Date.now();
      const c = pgbeatCommand('castor', 'standby');
      out = c.out;
      assert.equal(c.status, 0, c.out);
      return { name: 'standby', node: 'castor', at, heal: async () => undefined };
    });
    console.log(`# pgbeat standby said: ${out.trim()}`);
    assert.match(out, /pollux holds the service/);
    assertSafe(s.r, 'standby', 'pollux', { command: true });
    await settled('pollux', 'castor');
    assertDiscardReports('castor', 'pollux', castorReports, 'none');
    const t = await trial('pgbeat takeover', 'castor', async () => {
      const at = Date.now();
      const c = pgbeatCommand('castor', 'takeover');
      out = c.out;
      assert.equal(c.status, 0, c.out);
      return { name: 'takeover', node: 'castor', at, heal: async () => undefined };
    });
    console.log(`# pgbeat takeover said: ${out.trim()}`);
    assert.match(out, /castor holds the service/);
    assertSafe(t.r, 'takeover', 'castor', { command: true });
    await settled('castor', 'pollux');
    assertDiscardReports('pollux', 'castor', polluxReports, 'none');
  });

  it('the primary\'s postmaster crashes: restarted in place, writes resume on the same node', async () => {
    const b = bed!;
    // Backends outlive a killed postmaster for a moment: writes sent in the first second may still be
    // acknowledged; the figure here is the longest silence.
    const { r } = await trial('postmaster crash', 'castor', () => postmasterCrash(b, 'castor'), { resumeAfterMs: 1_000, settleMs: 2_000 });
    assertSafe(r, 'postmaster crash', 'castor', { command: true });
    assert.equal(r.afterByNode['pollux'], undefined, 'restarted in place: pollux took no write');
    await settled('castor', 'pollux');
  });

  it('the postmaster keeps crashing: after max_restarts (3) restarts in place the service moves to pollux', async () => {
    const b = bed!;
    // Every new postmaster on castor is killed as soon as it appears (so restarts in place fail too)
    // until castor says it hands the group over. Restarts count within 5 minutes, so the previous
    // trial's restart in place counts here too: how many kills it takes depends on the trials before.
    const reportsBefore = discardReports(b, 'castor');
    const from = Date.now();
    const handedOver = (): boolean => timeline(from, Date.now(), 5_000).some((l) => /castor .*handing the service to pollux/.test(l));
    let loop: Awaited<ReturnType<typeof postmasterCrashLoop>> | undefined;
    const { r } = await trial('postmaster crash loop', 'pollux', async () => (loop = await postmasterCrashLoop(b, 'castor', { until: handedOver, maxKills: 8 })), { waitMs: 90_000, settleMs: 2_000 });
    const kills = await loop!.done;
    const said = timeline(loop!.at, Date.now(), 5_000).filter((l) => /restart \d|restarts in|take failed|release failed/.test(l));
    console.log(`# ${kills} postmasters killed on castor; restarts and the handover:\n${said.map((l) => `#   ${l}`).join('\n')}`);
    assert.ok(kills >= 2, 'a restart in place crashed too');
    assertSafe(r, 'postmaster crash loop', 'pollux', { command: true });
    assert.ok(said.some((l) => /castor .*\(3 restarts in \d+ s\): handing the service to pollux/.test(l)), 'castor handed over after three restarts');
    await settled('pollux', 'castor', 90_000);
    assertDiscardReports('castor', 'pollux', reportsBefore, 'at most one');
  });

  it('the primary is frozen (SIGSTOP) longer than deadtime: castor takes over meanwhile; thawed, pollux acknowledges nothing, never two primaries; it is rewound where it diverged and streams', async () => {
    const b = bed!;
    const deadtimeMs = deadtimeOf('pollux');
    const reportsBefore = discardReports(b, 'pollux');
    // Held until castor acknowledged a write sent after the freeze (the takeover happened meanwhile,
    // however long it takes); 30 s is only the bound. Then thawed with the clients still writing.
    let frozen: Awaited<ReturnType<typeof freeze>> | undefined;
    let thawedAfterMs = 0;
    const { r } = await trial('primary frozen past deadtime', 'castor', async () => (frozen = await freeze(b, 'pollux', 30_000)), {
      settleMs: 5_000,
      resumed: async () => {
        thawedAfterMs = Date.now() - frozen!.at;
        await frozen!.heal();
      },
    });
    console.log(`# pollux was frozen ${thawedAfterMs} ms (deadtime ${deadtimeMs} ms); its log once thawed:\n${timeline(frozen!.at + thawedAfterMs, Date.now()).filter((l) => / pollux /.test(l)).slice(0, 20).map((l) => `#   ${l}`).join('\n')}`);
    assert.ok(thawedAfterMs > deadtimeMs, `frozen ${thawedAfterMs} ms, longer than deadtime (${deadtimeMs} ms)`);
    assertSafe(r, 'frozen', 'castor');
    assert.equal(r.afterByNode['pollux'], undefined, 'the thawed pollux acknowledged nothing sent after the freeze');
    await settled('castor', 'pollux', 90_000);
    assertDiscardReports('pollux', 'castor', reportsBefore, 'at most one');
  });

  it('every process on the primary is killed (kill -9), its links up and the VIP still on its interface: pollux takes over; castor\'s daemons started again drop the stale VIP and it comes back as a standby', async () => {
    const b = bed!;
    const reportsBefore = discardReports(b, 'castor');
    const { r } = await trial('every process of the primary killed (links up)', 'pollux', () => killAll(b, 'castor'));
    assertSafe(r, 'every process killed', 'pollux');
    assert.equal(r.afterByNode['castor'], undefined, 'castor took no write after its processes died');
    // No reboot: the addresses castor's agents added are still on its interface when its daemons start.
    await b.nodes.castor.start();
    await settled('pollux', 'castor', 90_000);
    assertDiscardReports('castor', 'pollux', reportsBefore, 'at most one');
  });
});
void other;
