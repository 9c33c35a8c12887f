// `pgbeat start`: the composition root of the manager daemon (foreground, systemd friendly: logs to
// stdout, stops on SIGTERM after handing the service over).
import { join } from 'node:path';
import type { GroupConfig } from '../config/cluster-config.ts';
import type { PgReport } from '../core/pg-report.ts';
import type { OpResult, ServiceResources } from '../ports.ts';
import { loadClusterConfig } from '../config/io/load-config.ts';
import { formatProblem, hasErrors } from '../config/problem.ts';
import { coreConfigFrom } from '../core/core-config.ts';
import { timingProblems } from '../core/timing.ts';
import { fileStore } from './file-store.ts';
import { startGeneration } from '../wire/io/generation-file.ts';
import { peerGenerationsStore } from '../wire/io/peer-generations-file.ts';
import { savedPeersKeeper } from '../wire/io/saved-peers-keeper.ts';
import { PEER_SAVE_INTERVAL_MS } from '../wire/saved-peers.ts';
import { createResourceRunner } from '../resources/io/resource-runner.ts';
import { defaultResolveOptions } from '../resources/invocation.ts';
import { createGroupResources } from '../resources/io/group-resources.ts';
import { isPostgresqlResource, postgresqlParams } from '../resources/postgresql-resource.ts';
import { startPgProbe, type PgProbe } from '../pg/io/pg-probe.ts';
import { pgReportOf } from '../pg/pg-report-of.ts';
import type { PgTarget } from '../../pg/io/client.ts';
import { openWitnessLink } from '../witness/io/witness-link.ts';
import { formatStoredState, parseStoredState } from '../witness/witness-wire.ts';
import { commandFencer } from './command-fencer.ts';
import { CONTROL_SOCKET, serveControl, type ControlRequest } from './control-socket.ts';
import { startDaemon } from './daemon.ts';
import { startGroupMonitor } from './group-monitor.ts';
import { openMedia } from './media-opener.ts';
import { packetChannel } from './packet-channel.ts';
import { serviceResources } from './service-resources.ts';
import { parseListenAddress } from '../metrics/listen-address.ts';
import { newResourceBook } from '../metrics/resource-states.ts';
import type { MediumCounters } from '../metrics/manager-metrics.ts';
import { countOps } from '../metrics/op-counters.ts';
import { serveDaemonMetrics } from '../metrics/io/daemon-metrics.ts';

/** Where the daemon keeps its agreed state and generation by default. */
export const STATE_DIR = '/var/lib/pgbeat';
/**
 * How often the probe asks the database in the settled pair (every keepalive otherwise): its
 * positions only feed status and lag there, no decision (a crashed postmaster is still seen within a
 * tick, from postmaster.pid and /proc); each query is two wakeups of this process and one of a backend.
 */
const SETTLED_QUERY_GAP_MS = 1_000;

const log = (level: string, line: string): void => { console.log(`${new Date().toISOString()} ${level}: ${line}`); };

/** The local PostgreSQL of the groups (the postgresql resource's pgdata, socket, port and user). */
const localPg = (groups: readonly GroupConfig[]): { pgdata: string; target: PgTarget; osUser: string } | null => {
  const spec = groups.flatMap((g) => g.resources).find(isPostgresqlResource);
  if (spec === undefined) return null;
  const p = postgresqlParams(spec);
  return {
    pgdata: p['pgdata'] ?? '/var/lib/postgresql/data',
    osUser: p['user'] ?? 'postgres',
    target: { host: p['pghost'] ?? '/var/run/postgresql', port: Number(p['pgport'] ?? 5432), user: p['dbuser'] ?? 'postgres', connectTimeoutMs: 1000, statementTimeoutMs: 2000 },
  };
};

/**
 * Groups without a postgresql resource: a stand-in report that follows what this node holds, so every
 * synchronous-standby rule holds trivially and only the arbitration (witness, fence) decides.
 */
const noDatabase = (inner: ServiceResources): { resources: ServiceResources; probe: () => PgReport } => {
  let role: PgReport['role'] = 'stopped'; // until the first follow or take: whatever runs is unknown
  const after = (r: 'primary' | 'standby') => (res: OpResult): OpResult => { if (res.ok) role = r; return res; };
  return {
    resources: {
      follow: () => inner.follow().then(after('standby')),
      take: (s, lease, o) => inner.take(s, lease, o).then(after('primary')),
      release: (u) => inner.release(u).then(after('standby')).then((r) => ({ ...r, lsn: 0, timeline: 1 })),
      setSync: async () => ({ ok: true, lsn: 0 }),
      stop: () => inner.stop().then(after('standby')),
    },
    probe: () => ({ role, timeline: 1, flushedLsn: 0, replayedLsn: 0, streaming: true, syncFlushedLsn: role === 'primary' ? 0 : null }),
  };
};

/** Optional listeners of `pgbeat start`. */
export interface StartOptions {
  /** `--metrics [host:]port`: serve Prometheus text there. */
  metrics?: string | undefined;
}

/** Runs the daemon for the configuration in `dir` until SIGTERM/SIGINT; returns the exit code. */
export const runStart = async (dir: string, controlPath: string = CONTROL_SOCKET, stateDir: string = STATE_DIR, opts: StartOptions = {}): Promise<number> => {
  const metricsAt = opts.metrics === undefined ? null : parseListenAddress(opts.metrics);
  if (typeof metricsAt === 'string') { log('error', `--metrics: ${metricsAt}`); return 1; }
  const { config, problems } = await loadClusterConfig(dir);
  for (const p of problems) log(p.severity === 'error' ? 'error' : 'notice', formatProblem(p));
  if (!config || hasErrors(problems) || config.localNode === undefined) return 1;
  const self = config.localNode;
  const media = openMedia(config.media);
  const cfg = coreConfigFrom(config, self, media.map((m) => m.name));
  for (const t of timingProblems(cfg)) log('warn', `Timing: ${t}`);
  const generation = await startGeneration(join(stateDir, 'generation'));
  const peersStore = peerGenerationsStore(join(stateDir, 'peer-generations'));
  const knownPeers = await peersStore.load() ?? {};
  const keeper = savedPeersKeeper(peersStore, knownPeers, PEER_SAVE_INTERVAL_MS, () => performance.now(), (l) => log('warn', l));
  const channel = packetChannel(config, self, generation, (l) => log('debug', l), knownPeers, (w) => keeper.note(w));
  const pg = localPg(config.groups);
  const probe: PgProbe | null = pg && startPgProbe({
    pgdata: pg.pgdata, target: pg.target, osUser: pg.osUser,
    // No timer of its own wakes the process: as each core tick starts, the daemon's probe reads
    // postmaster.pid and /proc (no fork, no connection: a crashed postmaster is seen within a tick)
    // and starts a query when the last is a keepalive old (SETTLED_QUERY_GAP_MS in the settled pair).
    pidIntervalMs: 0, queryIntervalMs: 0,
  });
  const book = newResourceBook(config.groups);
  const runner = createResourceRunner({ ...defaultResolveOptions(self), haDir: dir, v1Dirs: [join(dir, 'resource.d'), '/etc/init.d'] });
  const groups = createGroupResources({ runner, cluster: { node: self, nodes: config.nodes }, timeoutsMs: config.actionTimeoutsMs, monitorIntervalMs: config.monitorIntervalMs, maxRestarts: config.maxRestarts ?? 3, coreOwnsDatabase: true,
    onRun: (r) => {
      book.record(r);
      if (!(r.ok && (r.step.action === 'monitor' || r.step.action === 'status'))) log(r.ok ? 'info' : 'warn', `${r.step.what}: ${r.ok ? 'ok' : `failed (code ${r.result.code}${r.result.reason ? `: ${r.result.reason}` : ''})`} in ${Math.round(r.result.durationMs)} ms`);
    } });
  const clock = { now: () => performance.now() };
  const witness = config.witness ? await openWitnessLink(config.witness.host, config.witness.port, (l) => log('warn', l)) : null;
  const service = serviceResources({ groups: config.groups, resources: groups, probe, target: pg?.target ?? null, pgdata: pg?.pgdata ?? null, clock, peer: cfg.peer });
  const stand = probe === null ? noDatabase(service) : null;
  const counted = countOps(stand?.resources ?? service);
  const daemon = await startDaemon({
    cfg, incarnation: generation, clock, store: fileStore(join(stateDir, 'agreed-state'), formatStoredState, parseStoredState), media,
    encode: channel.encode, decode: channel.decode, witness,
    resources: counted.resources,
    probe: stand?.probe ?? ((quiet) => {
      if (probe === null) return null;
      const snap = probe.checkPostmaster();
      probe.poll(quiet ? Math.max(SETTLED_QUERY_GAP_MS, config.keepaliveMs) : config.keepaliveMs);
      return pgReportOf(snap, cfg.peer);
    }),
    fencer: Object.keys(config.fence).length > 0 ? commandFencer(config.fence, (l) => log('warn', l)) : null,
    fenceTimeoutMs: config.actionTimeoutsMs['fence'] ?? 30_000,
    log: (level, line) => { if (level !== 'debug') log(level, line); },
  });
  log('info', `pgbeat ${self} started (generation ${generation}; ${cfg.witness ? 'witness' : cfg.fence ? 'fence, no witness' : 'no witness, no fence: a partition makes the service wait'}).`);
  const stopMonitor = startGroupMonitor({ groups: config.groups, resources: groups, daemon, intervalMs: config.monitorIntervalMs, log });
  const mediaCounters = (): MediumCounters[] => media.map((m) => ({ name: m.name, open: m.isOpen, ...m.stats }));
  const control = await serveControl(controlPath, async (req: ControlRequest) => {
    if (req.command === 'status') return { ...daemon.status(), drops: channel.drops(), media: mediaCounters() };
    return { outcome: await daemon.command(req.command, Math.min(req.waitMs, 120_000)) };
  });
  const metrics = metricsAt === null ? null : await serveDaemonMetrics(metricsAt, {
    status: () => daemon.status(), drops: () => channel.drops(), media: mediaCounters, groups: config.groups.map((g) => g.key), book, ops: () => counted.counts(), deadtimeMs: config.deadtimeMs,
  }).catch((e: unknown) => { log('error', `--metrics ${opts.metrics}: ${(e as Error).message}; serving no metrics`); return null; });
  if (metrics) log('info', `Metrics on http://${metricsAt!.host.includes(':') ? `[${metricsAt!.host}]` : metricsAt!.host}:${metrics.port}/metrics`);
  await new Promise<void>((resolve) => {
    const stop = (): void => { log('info', 'Stopping: handing over first.'); void daemon.command('shutdown', 60_000).then(() => resolve()); };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    void daemon.finished.then(() => resolve());
  });
  stopMonitor();
  await daemon.stop();
  await control.close();
  await metrics?.close();
  await probe?.close();
  await witness?.close();
  await Promise.all(media.map((m) => m.close()));
  await keeper.flush();
  return 0;
};
