// Before a stopped instance starts as a standby: does its WAL fit the current primary's timeline?
// If it diverged (an old primary that wrote past the fork), write a report of the transactions it
// gives up, then pg_rewind; or re-clone with the old directory renamed aside (never deleted); or
// refuse, leaving the data directory untouched.
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { readState } from '../../ocf/io/state-dir.ts';
import { isCleanShutdown, rewindBlocker, type ControlData } from '../../pg/controldata.ts';
import { formatLsn } from '../../pg/lsn.ts';
import { readControlData, readControlHead } from '../../pg/io/controldata.ts';
import { runLight } from '../../exec/io/run-light.ts';
import { afterFailedRewind, endsAsPrimary, planRejoin, type ForkPoint, type RejoinStep } from '../rejoin-plan.ts';
import { findCurrentPrimary, primaryCandidates, type CurrentPrimary } from './current-primary.ts';
import { writeDiscardReport } from './discard-report.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';
import { readHistories, readOurWalEnd, type OurWalEnd } from './our-wal.ts';
import { rejoinDirection, type Direction } from '../rejoin-direction.ts';
import { rebuildFromPrimary, rewindFrom, rewindMarkerPath } from './rejoin-steps.ts';
import { prepareReportDir } from './report-dir.ts';

/** One rejoin: what we know while acting on the plan. */
interface Rejoin {
  env: PgEnv;
  primary: CurrentPrimary;
  cd: ControlData;
  /** Undefined when an unfinished rewind makes our WAL meaningless. */
  ours: OurWalEnd | undefined;
  /** Set once the report was written (a failed rewind followed by a re-clone writes it once). */
  report?: string | undefined;
}

const refuse = (r: Rejoin, reason: string): OcfError =>
  new OcfError(OCF_ERR_GENERIC, `Cannot rejoin ${r.env.p.pgdata} as a standby of ${r.primary.name} (${r.primary.host}:${r.primary.port}): ${reason}`);

// The report comes before anything that gives WAL up; if it cannot be written, nothing is changed.
const report = async (r: Rejoin, fork: ForkPoint | undefined, action: string): Promise<void> => {
  if (r.report !== undefined || fork === undefined || r.ours === undefined) return;
  let w;
  try {
    w = await writeDiscardReport(r.env, r.ours, fork, r.primary, action);
  } catch (e) {
    throw refuse(r, `cannot write the report of the transactions it would discard (${(e as Error).message}); nothing was changed`);
  }
  r.report = w.file;
  const prepared = w.prepared ? ` and ${w.prepared} prepared` : '';
  r.env.log.warn(
    `${r.env.p.pgdata} diverged from ${r.primary.name} at ${formatLsn(fork.lsn)} on timeline ${fork.timeline}: ${action} discards ${w.committed} committed transaction(s)${prepared} (${w.transactions} in all); report: ${w.file}`,
  );
};

const act = async (r: Rejoin, step: RejoinStep): Promise<void> => {
  switch (step.step) {
    case 'follow':
      return;
    case 'keep':
      r.env.log.err(`${r.env.p.pgdata} keeps its data and runs as a standby that does not follow ${r.primary.name} (${r.primary.host}:${r.primary.port}): ${step.reason}`);
      return;
    case 'refuse':
      throw refuse(r, step.reason);
    case 'rebuild':
      await report(r, step.discard, 'a re-clone');
      await rebuildFromPrimary(r.env, step.reason);
      return;
    case 'rewind': {
      await report(r, step.discard, 'pg_rewind');
      const attempt = await rewindFrom(r.env, r.primary, isCleanShutdown(r.cd.state));
      if (attempt.ok) return;
      r.env.log.warn(`pg_rewind of ${r.env.p.pgdata} failed: ${attempt.failure}`);
      return act(r, afterFailedRewind(r.env.p.rebuild, attempt.failure, attempt.touched));
    }
  }
};

/**
 * Whether a running standby may be stopped and rejoined to `primary`: not when it replays a newer
 * timeline than the primary's, or one outside its history (rejoin-direction.ts).
 */
export const runningStandbyDirection = (env: PgEnv, i: Inspection, primary: CurrentPrimary): Direction => {
  const head = readControlHead(env.p.pgdata);
  if (!head || i.timeline === undefined || i.lsn === undefined) return { rejoin: true, reason: 'our position is not known: the stopped data directory is checked instead' };
  const history = readHistories(env).get(i.timeline) ?? [];
  return rejoinDirection(
    { name: env.node, systemId: head.systemIdentifier, timeline: i.timeline, history, lsn: i.lsn, wasPrimary: false },
    { name: primary.name, systemId: primary.systemId, timeline: primary.timeline, history: primary.history, lsn: primary.lsn, wasPrimary: true },
  );
};

/** Makes the stopped data directory able to follow the current primary, or throws saying why not. */
export const prepareRejoin = async (env: PgEnv, i: Inspection): Promise<void> => {
  // Before anything may rewind or re-clone pgdata: a server log an older version kept there goes out.
  prepareReportDir(env);
  const unfinished = readState(rewindMarkerPath(env));
  const primary = await findCurrentPrimary(env);
  if (!primary) {
    const tried = primaryCandidates(env).map((c) => `${c.name} ${c.host}:${c.port}`).join(', ') || 'none configured';
    if (unfinished !== undefined) {
      throw new OcfError(OCF_ERR_GENERIC, `Cannot start ${env.p.pgdata}: ${unfinished.trim()} and did not finish; no primary is reachable to re-clone from (tried ${tried})`);
    }
    env.log.warn(`rejoin: no running primary reachable (tried ${tried}); ${env.p.pgdata} starts as a standby without a divergence check and waits for one`);
    return;
  }
  const cd = i.control ?? (await readControlData({ ...env.tools, runner: runLight }, env.p.pgdata, { asRoot: true, timeoutMs: env.left(10_000) }));
  if (unfinished !== undefined) {
    const r: Rejoin = { env, primary, cd, ours: undefined };
    return act(r, afterFailedRewind(env.p.rebuild, `${unfinished.trim()} and did not finish`, true));
  }
  const ours: OurWalEnd = { ...(await readOurWalEnd(env, cd)), name: env.node, wasPrimary: endsAsPrimary(cd.state) };
  const step = planRejoin(ours, primary, { rewind: env.p.rewind, rebuild: env.p.rebuild, rewindBlocker: rewindBlocker(cd) });
  env.log.info(`rejoin ${primary.name} (timeline ${primary.timeline}): ${step.step}: ${step.reason} [our end: ${ours.how}]`);
  await act({ env, primary, cd, ours }, step);
};
