// postgresql actions: start, stop, monitor, promote, demote, notify. Decisions come from lib/pg
// and lib/postgresql; this file runs them in order and turns refusals into exit reasons.
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_FAILED_MASTER, OCF_NOT_RUNNING, OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { describeFailure } from '../../exec/result.ts';
import { mayStartAsPrimary } from '../../pg/promotion.ts';
import { monitorAnswer } from '../monitor-code.ts';
import type { PgParams } from '../params.ts';
import { pgEnv, type PgEnv } from './env.ts';
import { inspect, type Inspection } from './inspect.ts';
import { askPeers, describePeers } from './peers.ts';
import { checkPromotion, promoteStandby, selfAsReplayed } from './promote.ts';
import { prepareRejoin, runningStandbyDirection } from './rejoin.ts';
import { cloneFromPrimary, configurePrimary, configureStandby, isEmptyDataDir, startServer } from './standby.ts';
import { primaryDuties, recordState, standbyDuties } from './duties.ts';
import { inspectOnce, waitForState } from './wait.ts';
import { noteStartState } from './former-primary.ts';
import { findCurrentPrimary } from './current-primary.ts';
import { isStalled } from '../stalled-standby.ts';
import { existsButNotADirectory } from '../../pg/io/pgdata.ts';
import { coldCopyStart } from '../cold-copy.ts';
import { readCopySnapshot, startFromCopy } from './cold-copy.ts';

type Input = ActionInput<PgParams>;

/** Stops the server (fast, then immediate); throws when it may still run. */
const stopServer = async (env: PgEnv, why: string): Promise<void> => {
  env.log.info(`Stopping ${env.p.pgdata} (${why})`);
  const out = await env.ctl.stop({ deadlineMs: env.left() - 300 });
  if (!out.stopped) {
    const last = out.attempts[out.attempts.length - 1];
    throw new OcfError(OCF_ERR_GENERIC, `Cannot stop ${env.p.pgdata}: ${last ? describeFailure(last) : 'pg_ctl gave no answer'}`);
  }
  if (out.how === 'immediate') env.log.warn(`${env.p.pgdata} needed an immediate shutdown (crash recovery at next start)`);
  if (out.how === 'killed') env.log.warn(`${env.p.pgdata} did not end on an immediate shutdown either: its postmaster was killed (crash recovery at next start)`);
};

/** Brings a stopped instance up as a standby of primary_host (cloning an empty data directory). */
const runAsStandby = async (env: PgEnv, i: Inspection): Promise<void> => {
  if (isEmptyDataDir(env.p.pgdata)) await cloneFromPrimary(env);
  else await prepareRejoin(env, i);
  configureStandby(env);
  await startServer(env, 'standby');
  await waitForState(env, ['standby'], 'the standby to accept connections');
};

/** Settles transitional states first: waits for a start or stop in progress to finish. */
const settled = async (env: PgEnv): Promise<Inspection> => {
  const i = await inspectOnce(env);
  if (i.state === 'starting') return waitForState(env, ['primary', 'standby'], 'the instance to finish starting');
  if (i.state === 'stopping') return waitForState(env, ['stopped', 'stopped-standby', 'crashed-primary', 'crashed-standby'], 'the instance to finish stopping');
  if (i.state === 'unknown') throw new OcfError(OCF_ERR_GENERIC, `Cannot act on ${env.p.pgdata}: ${i.reason}`);
  return i;
};

/** start. Promotable: run as a standby. Primitive: run the primary here, after the safety checks. */
export const startPg = async (input: Input): Promise<OcfCode> => {
  const env = await pgEnv(input);
  if (env.mode === 'promotable' && isEmptyDataDir(env.p.pgdata)) {
    noteStartState(env, undefined);
    await runAsStandby(env, await inspectOnce(env));
    return OCF_SUCCESS;
  }
  const i = await settled(env);
  if (env.mode === 'promotable') {
    if (i.state === 'standby' || i.state === 'primary') {
      env.log.info(`${env.p.pgdata} already runs as ${i.state}`);
      return OCF_SUCCESS;
    }
    noteStartState(env, i.control);
    await runAsStandby(env, i);
    return OCF_SUCCESS;
  }
  // A base backup never started (db_sync's cold copy) opens on a new timeline, not as it is.
  if (i.state === 'stopped' || i.state === 'stopped-standby' || i.state === 'crashed-primary' || i.state === 'crashed-standby') {
    const copy = coldCopyStart(readCopySnapshot(env.p.pgdata, i.control));
    if (copy.kind === 'refuse') throw new OcfError(OCF_ERR_GENERIC, `Refusing to start ${env.p.pgdata}: ${copy.reason}`);
    if (copy.kind === 'recover-and-promote') {
      await startFromCopy(env, copy);
      return OCF_SUCCESS;
    }
  }
  switch (i.state) {
    case 'primary':
      return OCF_SUCCESS;
    case 'standby':
      await checkPromotion(env, i);
      await promoteStandby(env);
      return OCF_SUCCESS;
    case 'stopped-standby':
    case 'crashed-standby': {
      await checkPromotion(env, i);
      configurePrimary(env);
      await startServer(env, 'primary');
      await waitForState(env, ['primary'], 'the primary to accept writes');
      return OCF_SUCCESS;
    }
    default: {
      if (isEmptyDataDir(env.p.pgdata)) {
        throw new OcfError(OCF_ERR_GENERIC, `Cannot start a primary from the empty data directory ${env.p.pgdata}`);
      }
      const peers = await askPeers(env);
      const verdict = mayStartAsPrimary(await selfAsReplayed(env, i), peers);
      (verdict.allow ? env.log.info : env.log.warn)(`start-as-primary check: ${verdict.reason} [${describePeers(peers)}]`);
      if (!verdict.allow) throw new OcfError(OCF_ERR_GENERIC, `Refusing to start ${env.node} as primary: ${verdict.reason}`);
      configurePrimary(env);
      await startServer(env, 'primary');
      await waitForState(env, ['primary'], 'the primary to accept writes');
      return OCF_SUCCESS;
    }
  }
};

/** The environment, or undefined when PostgreSQL's binaries are not installed here (nothing can run). */
const envUnlessUninstalled = async (input: Input): Promise<PgEnv | undefined> => {
  try {
    return await pgEnv(input);
  } catch (e) {
    if (e instanceof OcfError && e.code === OCF_ERR_INSTALLED) {
      input.log.info(`${input.ctx.action}: ${e.message}; nothing can be running`);
      return undefined;
    }
    throw e;
  }
};

/**
 * A primitive's standby that does not stream while a primary runs (it started with no primary to
 * check against and has WAL the primary's timeline forked from, say) is stopped and rejoined: the
 * same divergence check, report and rewind as any start. heartbeat v1 runs no monitor, so its
 * `stop` on the node without the group is where this happens (README).
 */
const recheckIdleStandby = async (env: PgEnv, i: Inspection): Promise<void> => {
  const session = await env.instance.session();
  let status: string;
  try {
    status = (await session.walReceiver())?.status ?? 'none';
  } finally {
    await session.close();
  }
  if (status === 'streaming') return;
  const primary = await findCurrentPrimary(env);
  if (!primary) return;
  // A standby on a newer timeline than the running primary's is left as it is, data and all.
  const direction = runningStandbyDirection(env, i, primary);
  if (!direction.rejoin) {
    env.log.err(`the standby ${env.p.pgdata} does not stream while ${primary.name} runs as primary, and is left as it is: ${direction.reason}`);
    return;
  }
  await stopServer(env, `the standby does not stream (WAL receiver: ${status}) while ${primary.name} runs as primary; rejoining it`);
  await runAsStandby(env, await inspectOnce(env));
};

/** stop. Never fails once nothing runs. A primitive hands over and, by default, stays a standby. */
export const stopPg = async (input: Input): Promise<OcfCode> => {
  const env = await envUnlessUninstalled(input);
  if (!env) return OCF_SUCCESS;
  // Nothing can run from a data directory that is a file (validate-all says so with code 2).
  if (existsButNotADirectory(env.p.pgdata)) return OCF_SUCCESS;
  let i = await inspectOnce(env);
  if (i.state === 'starting' || i.state === 'stopping') i = await settled(env).catch(() => i);
  if (env.mode === 'primitive') {
    if (i.state === 'primary' || i.state === 'unknown') await stopServer(env, 'handing over the primary role');
    if (env.p.stop_as === 'standby') {
      try {
        const now = await inspectOnce(env);
        if (now.state !== 'standby') await runAsStandby(env, now);
        else await recheckIdleStandby(env, now);
      } catch (e) {
        // The primary is down, which is all stop promises (a failed stop would get this node
        // fenced or rebooted); the standby can be started later. A rejoin refusal (another
        // database cluster, no way to rewind) lands here: the data directory stays as it was.
        env.log.err(`the primary stopped, but it stays stopped instead of running as a standby: ${(e as Error).message}`);
      }
    }
    return OCF_SUCCESS;
  }
  if (i.state !== 'stopped' && i.state !== 'stopped-standby' && i.state !== 'crashed-primary' && i.state !== 'crashed-standby') {
    await stopServer(env, 'stop');
  }
  return OCF_SUCCESS;
};

/**
 * A promotable standby that has not streamed for a while: if a primary runs, the standby cannot
 * follow it (it diverged, or lost its place): fail, so that the manager restarts it and the start
 * rejoins it. With no primary running, waiting is all a standby can do.
 */
const failIfPrimaryRuns = async (env: PgEnv, i: Inspection, since: string): Promise<void> => {
  const primary = await findCurrentPrimary(env);
  if (!primary) return;
  // Restarting a standby on a newer timeline would only make its start refuse: say so instead.
  const direction = runningStandbyDirection(env, i, primary);
  if (!direction.rejoin) {
    env.log.err(`the standby ${env.p.pgdata} has not streamed since ${since} while ${primary.name} runs as primary, and is left as it is: ${direction.reason}`);
    return;
  }
  throw new OcfError(
    OCF_ERR_GENERIC,
    `The standby ${env.p.pgdata} has not streamed since ${since} although ${primary.name} (${primary.host}:${primary.port}) runs as primary on timeline ${primary.timeline}: a restart rejoins it (divergence check, rewind)`,
  );
};

/** monitor: the role from local probes; a recurring monitor also does the role's duties. */
export const monitorPg = async (input: Input): Promise<OcfCode> => {
  const env = await envUnlessUninstalled(input);
  // A probe on a node without PostgreSQL: not running. A recurring monitor: the software vanished.
  if (!env) {
    if (input.ctx.isProbe) return OCF_NOT_RUNNING;
    throw new OcfError(OCF_ERR_GENERIC, 'PostgreSQL binaries are no longer found on this node');
  }
  // An empty data directory (a node waiting to be cloned) runs nothing, nor does a file named as pgdata.
  if (existsButNotADirectory(env.p.pgdata) || isEmptyDataDir(env.p.pgdata)) return OCF_NOT_RUNNING;
  const i = await inspect(env);
  // A base backup never started (db_sync's cold copy) is not a crashed server: nothing runs.
  if ((i.state === 'crashed-primary' || i.state === 'crashed-standby') && coldCopyStart(readCopySnapshot(env.p.pgdata, i.control)).kind !== 'ordinary') {
    input.log.debug(`${env.p.pgdata} is a copy not started yet (backup_label): not running`);
    return OCF_NOT_RUNNING;
  }
  try {
    const answer = monitorAnswer(env.mode, i);
    if (i.session && !input.ctx.isProbe) {
      if (i.state === 'primary') await primaryDuties(env, i, i.session);
      else if (i.state === 'standby') {
        const since = await standbyDuties(env, i, i.session);
        if (env.mode === 'promotable' && isStalled(since, new Date(), input.ctx.intervalMs)) await failIfPrimaryRuns(env, i, since!);
      }
    } else if (!input.ctx.isProbe) {
      recordState(env, i);
    }
    if (answer.reason) throw new OcfError(answer.code, answer.reason);
    if (input.ctx.checkLevel >= 10 && i.session && i.state === 'primary') await writeCheck(env, i.session);
    return answer.code;
  } finally {
    await i.session?.close();
  }
};

/**
 * OCF_CHECK_LEVEL=10 on the primary: a transaction that creates a temporary table, writes a row,
 * reads it back and commits (catalog writes and a commit record; no user table touched). synchronous_commit=local keeps a missing sync standby (strict
 * mode) from turning a health check into a hang. Failure: a promoted instance that cannot write (9).
 */
const writeCheck = async (env: PgEnv, session: PgSession): Promise<void> => {
  try {
    await session.query('BEGIN');
    await session.query('SET LOCAL synchronous_commit TO local');
    await session.query('CREATE TEMP TABLE pgbeat_check (x int) ON COMMIT DROP');
    await session.query('INSERT INTO pgbeat_check SELECT txid_current()');
    const rows = await session.query<{ n: string }>('SELECT count(*) AS n FROM pgbeat_check');
    if (String(rows[0]?.n) !== '1') throw new Error('the row written was not read back');
    await session.query('COMMIT');
  } catch (e) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw new OcfError(OCF_FAILED_MASTER, `The primary ${env.p.pgdata} accepts connections but not writes: ${(e as Error).message}`);
  }
};

/** promote: the standby becomes primary after re-checking that no reachable peer is ahead. */
export const promotePg = async (input: Input): Promise<OcfCode> => {
  const env = await pgEnv(input);
  const i = await settled(env);
  if (i.state === 'primary') return OCF_SUCCESS;
  if (i.state !== 'standby') throw new OcfError(OCF_ERR_GENERIC, `Cannot promote ${env.p.pgdata}: it is ${i.state} (${i.reason})`);
  await checkPromotion(env, i);
  await promoteStandby(env);
  return OCF_SUCCESS;
};

/** demote: the primary shuts down cleanly and comes back as a standby of primary_host. */
export const demotePg = async (input: Input): Promise<OcfCode> => {
  const env = await pgEnv(input);
  const i = await settled(env);
  if (i.state === 'standby') return OCF_SUCCESS;
  if (i.state === 'primary') await stopServer(env, 'demote');
  await runAsStandby(env, await inspectOnce(env));
  return OCF_SUCCESS;
};
