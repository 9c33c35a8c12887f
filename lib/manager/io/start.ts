// `pgbeat start`: the composition root of the manager daemon (foreground, systemd friendly: logs to
// stdout, stops on SIGTERM after handing the service over).
import type { GroupConfig } from '../config/cluster-config.ts';
import { loadClusterConfig } from '../config/io/load-config.ts';
import { formatProblem, hasErrors } from '../config/problem.ts';
import { coreConfigFrom } from '../core/core-config.ts';
import { timingProblems } from '../core/timing.ts';
import { fileStore } from './file-store.ts';
import { startGeneration } from '../wire/io/generation-file.ts';
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
import { openMedia } from './media-opener.ts';
import { packetChannel } from './packet-channel.ts';
import { serviceResources } from './service-resources.ts';

/** Where the daemon keeps its agreed state. */
export const AGREED_STATE_FILE = '/var/lib/pgbeat/agreed-state';

const log = (level: string, line: string): void => { console.log(`${level}: ${line}`); };

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

/** Runs the daemon for the configuration in `dir` until SIGTERM/SIGINT; returns the exit code. */
export const runStart = async (dir: string, controlPath: string = CONTROL_SOCKET): Promise<number> => {
  const { config, problems } = await loadClusterConfig(dir);
  for (const p of problems) log(p.severity === 'error' ? 'error' : 'notice', formatProblem(p));
  if (!config || hasErrors(problems) || config.localNode === undefined) return 1;
  const self = config.localNode;
  const media = openMedia(config.media);
  const cfg = coreConfigFrom(config, self, media.map((m) => m.name));
  for (const t of timingProblems(cfg)) log('warn', `Timing: ${t}`);
  const generation = await startGeneration();
  const channel = packetChannel(config, self, generation, (l) => log('debug', l));
  const pg = localPg(config.groups);
  const probe: PgProbe | null = pg && startPgProbe({ pgdata: pg.pgdata, target: pg.target, osUser: pg.osUser, queryIntervalMs: config.keepaliveMs });
  const runner = createResourceRunner(defaultResolveOptions(self));
  const groups = createGroupResources({ runner, cluster: { node: self, nodes: config.nodes }, timeoutsMs: config.actionTimeoutsMs, monitorIntervalMs: config.monitorIntervalMs, maxRestarts: 3 });
  const clock = { now: () => performance.now() };
  const witness = config.witness ? await openWitnessLink(config.witness.host, config.witness.port, (l) => log('warn', l)) : null;
  const daemon = await startDaemon({
    cfg, incarnation: generation, clock, store: fileStore(AGREED_STATE_FILE, formatStoredState, parseStoredState), media,
    encode: channel.encode, decode: channel.decode, witness,
    resources: serviceResources({ groups: config.groups, resources: groups, probe, target: pg?.target ?? null, clock }),
    probe: () => (probe ? pgReportOf(probe.snapshot(), cfg.peer) : null),
    fencer: Object.keys(config.fence).length > 0 ? commandFencer(config.fence, (l) => log('warn', l)) : null,
    fenceTimeoutMs: config.actionTimeoutsMs['fence'] ?? 30_000,
    log: (level, line) => { if (level !== 'debug') log(level, line); },
  });
  log('info', `pgbeat ${self} started (generation ${generation}; ${cfg.witness ? 'witness' : cfg.fence ? 'fence, no witness' : 'no witness, no fence: a partition makes the service wait'}).`);
  const control = await serveControl(controlPath, async (req: ControlRequest) => {
    if (req.command === 'status') return { ...daemon.status(), drops: channel.drops() };
    return { outcome: await daemon.command(req.command, Math.min(req.waitMs, 120_000)) };
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => { log('info', 'Stopping: handing over first.'); void daemon.command('shutdown', 60_000).then(() => resolve()); };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    void daemon.finished.then(() => resolve());
  });
  await daemon.stop();
  await control.close();
  await probe?.close();
  await witness?.close();
  await Promise.all(media.map((m) => m.close()));
  return 0;
};
