// Before a stopped instance starts as a standby: does its WAL fit the current primary's timeline?
// If it diverged (an old primary that wrote past the fork), write a report of the transactions a
// rewind discards, then pg_rewind; or re-clone with the old directory renamed aside (never deleted);
// or refuse, leaving the data directory untouched.
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { statePath, writeState } from '../../ocf/io/state-dir.ts';
import { describeFailure } from '../../exec/result.ts';
import { isCleanShutdown, rewindBlocker, type ControlData } from '../../pg/controldata.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import { formatLsn, type Lsn } from '../../pg/lsn.ts';
import { findDivergence, parseTimelineHistory } from '../../pg/timeline-history.ts';
import { buildDiscardReport, lostTransactions, renderDiscardReport } from '../../pg/waldump-report.ts';
import { readControlData } from '../../pg/io/controldata.ts';
import { openReplicationSession, type PeerIdentity } from '../../pg/io/peer.ts';
import { readTimelineHistory } from '../../pg/io/pgdata.ts';
import { pgRewind } from '../../pg/io/rewind.ts';
import { findWalEnd, readWal } from '../../pg/io/waldump.ts';
import { afterFailedRewind, asideName, planRejoin, type RejoinStep } from '../rejoin-plan.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';
import { cloneFromPrimary } from './standby.ts';

/** The running primary found through primary_host or the peers. */
interface CurrentPrimary {
  host: string;
  port: number;
  name: string;
  id: PeerIdentity;
  /** Its timeline's history file content. */
  history: string;
}

const findPrimary = async (env: PgEnv): Promise<CurrentPrimary | undefined> => {
  if (env.p.repl_passfile) process.env['PGPASSFILE'] = env.p.repl_passfile;
  const candidates = [
    ...(env.p.primary_host ? [{ name: 'primary_host', host: env.p.primary_host, port: env.p.primary_port }] : []),
    ...env.p.peers.filter((p) => p.name !== env.node),
  ];
  for (const c of candidates) {
    let session;
    try {
      session = await openReplicationSession({
        host: c.host, port: c.port, user: env.p.repuser, applicationName: `pgbeat-${env.node}`,
        connectTimeoutMs: Math.min(2_000, env.left()), statementTimeoutMs: Math.min(5_000, env.left()),
      });
      const id = await session.identify();
      if (id.inHotStandby) continue;
      const history = id.timeline > 1 ? await session.timelineHistory(id.timeline) : '';
      return { ...c, id, history };
    } catch (e) {
      env.log.debug(`rejoin: ${c.name} (${c.host}:${c.port}): ${(e as Error).message}`);
    } finally {
      await session?.close();
    }
  }
  return undefined;
};

// The start of our last WAL record: the shutdown checkpoint after a clean stop, else what pg_waldump reads.
const ourLastRecord = async (env: PgEnv, cd: ControlData): Promise<{ last: Lsn; end: Lsn | undefined }> => {
  if (isCleanShutdown(cd.state)) return { last: cd.checkpointLsn, end: undefined };
  const end = await findWalEnd(env.tools, { walDir: join(env.p.pgdata, 'pg_wal'), timeline: cd.timeline, start: cd.redoLsn, timeoutMs: env.left(30_000) });
  return { last: end?.lastRecordLsn ?? cd.checkpointLsn, end: end?.endLsn };
};

// Writes the report of what a rewind throws away, before anything is changed; returns its path and count.
const reportDiscarded = async (env: PgEnv, timeline: number, from: Lsn, primary: CurrentPrimary): Promise<{ file: string; lost: number }> => {
  const read = await readWal(env.tools, {
    walDir: join(env.p.pgdata, 'pg_wal'), timeline, start: from, rmgrs: ['Heap', 'Heap2', 'Transaction'], timeoutMs: env.left(60_000),
  });
  const report = buildDiscardReport(read.records, { timeline, from });
  const lost = lostTransactions(report).length;
  const at = new Date();
  const file = statePath(env.input.ctx.stateDir, `pgbeat-postgresql-${env.input.ctx.instance}-discarded-${at.toISOString().replace(/[:.]/g, '-')}.txt`);
  writeState(file, renderDiscardReport(report, {
    node: env.node,
    pgdata: env.p.pgdata,
    'new primary': `${primary.name} (${primary.host}:${primary.port}) on timeline ${primary.id.timeline}`,
    'written at': at.toISOString(),
  }));
  return { file, lost };
};

// pg_rewind and pg_basebackup copy the primary's configuration files; the node's own settings
// (port, sockets, memory, pg_hba) must survive both.
const LOCAL_CONFIG = ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf'];

const saveLocalConfig = (dir: string): Map<string, Buffer> =>
  new Map(LOCAL_CONFIG.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f))]));

const restoreLocalConfig = (pgdata: string, saved: Map<string, Buffer>): void => {
  const { uid, gid } = statSync(pgdata);
  for (const [file, content] of saved) {
    writeFileSync(join(pgdata, file), content, { mode: 0o600 });
    chownSync(join(pgdata, file), uid, gid);
  }
};

const rebuild = async (env: PgEnv, why: string): Promise<void> => {
  const pgdata = env.p.pgdata;
  const { uid, gid, mode } = statSync(pgdata);
  const aside = asideName(pgdata, new Date());
  env.log.warn(`Rebuilding ${pgdata}: ${why}; the old directory is kept as ${aside}`);
  renameSync(pgdata, aside);
  mkdirSync(pgdata, { mode: mode & 0o777 });
  chownSync(pgdata, uid, gid);
  await cloneFromPrimary(env);
  restoreLocalConfig(pgdata, saveLocalConfig(aside));
};

const rewind = async (env: PgEnv, primary: CurrentPrimary): Promise<string | undefined> => {
  const source = renderConninfo({
    host: primary.host, port: primary.port, user: env.p.repuser, dbname: 'postgres',
    passfile: env.p.repl_passfile || undefined, connect_timeout: 5,
  });
  const started = Date.now();
  const saved = saveLocalConfig(env.p.pgdata);
  const r = await pgRewind(env.tools, { pgdata: env.p.pgdata, sourceServer: source, dryRun: false, timeoutMs: env.left() });
  restoreLocalConfig(env.p.pgdata, saved);
  if (r.result.failed) return describeFailure(r.result);
  env.log.info(`pg_rewind of ${env.p.pgdata} from ${primary.name} done in ${Date.now() - started} ms`);
  return undefined;
};

const act = async (env: PgEnv, step: RejoinStep, primary: CurrentPrimary, timeline: number, fork: Lsn | undefined): Promise<void> => {
  switch (step.step) {
    case 'follow':
      return;
    case 'refuse':
      throw new OcfError(OCF_ERR_GENERIC, `Cannot rejoin ${env.p.pgdata} as a standby of ${primary.name}: ${step.reason}`);
    case 'rebuild':
      return rebuild(env, step.reason);
    case 'rewind': {
      if (fork !== undefined) {
        const { file, lost } = await reportDiscarded(env, timeline, fork, primary);
        env.log.warn(`${env.p.pgdata} diverged from ${primary.name} at ${formatLsn(fork)}: pg_rewind discards ${lost} committed transaction(s); report: ${file}`);
      }
      const failure = await rewind(env, primary);
      if (failure) return act(env, afterFailedRewind(env.p.rebuild, failure), primary, timeline, fork);
    }
  }
};

/** Makes the stopped data directory able to follow the current primary, or throws saying why not. */
export const prepareRejoin = async (env: PgEnv, i: Inspection): Promise<void> => {
  const primary = await findPrimary(env);
  if (!primary) {
    env.log.info(`rejoin: no running primary reachable; ${env.p.pgdata} starts as a standby and waits for one`);
    return;
  }
  const cd = i.control ?? (await readControlData(env.tools, env.p.pgdata, { timeoutMs: env.left(10_000) }));
  const ours = await ourLastRecord(env, cd);
  const divergence = findDivergence(
    { timeline: cd.timeline, history: readTimelineHistory(env.p.pgdata, cd.timeline), lastRecordLsn: ours.last },
    { timeline: primary.id.timeline, history: primary.history ? parseTimelineHistory(primary.history, `${primary.name} history`) : [] },
  );
  const step = planRejoin(divergence, { rewind: env.p.rewind, rebuild: env.p.rebuild, rewindBlocker: rewindBlocker(cd) });
  env.log.info(`rejoin ${primary.name}: ${step.step} (${step.reason})`);
  await act(env, step, primary, cd.timeline, divergence.forkLsn);
};
