// What the local instance is doing now: postmaster.pid, a session (role), else pg_controldata.
import { classifyInstance, ISREADY, type InstanceClassification } from '../../pg/instance-state.ts';
import type { ControlData } from '../../pg/controldata.ts';
import type { PgSession } from '../../pg/io/client.ts';
import { readControlData } from '../../pg/io/controldata.ts';
import { pgIsReady } from '../../pg/io/isready.ts';
import { postmasterStatus } from '../../pg/io/postmaster.ts';
import { runLight } from '../../exec/io/run-light.ts';
import { maxLsn, type Lsn } from '../../pg/lsn.ts';
import type { PgEnv } from './env.ts';
import { localSession } from './local-session.ts';

/** The local instance: its classification, and what the probes saw. */
export interface Inspection extends InstanceClassification {
  /** An open session when the server accepts connections (the caller closes it). */
  session: PgSession | undefined;
  control: ControlData | undefined;
  /** Current timeline and WAL position, when known (session or controldata). */
  timeline: number | undefined;
  lsn: Lsn | undefined;
}

const controlOrUndefined = async (env: PgEnv): Promise<ControlData | undefined> => {
  try {
    return await readControlData({ ...env.tools, runner: runLight }, env.p.pgdata, { timeoutMs: env.left(10_000), asRoot: true });
  } catch (e) {
    env.log.debug(`pg_controldata: ${(e as Error).message}`);
    return undefined;
  }
};

/** Inspects the local instance with as few probes as the answer needs. */
export const inspect = async (env: PgEnv): Promise<Inspection> => {
  const pm = postmasterStatus(env.p.pgdata);
  let session: PgSession | undefined;
  let inRecovery: boolean | undefined;
  let isready: 0 | 1 | 2 | 3 = ISREADY.noResponse;
  if (pm.alive) {
    try {
      session = await localSession(env, Math.min(3_000, env.left()));
      inRecovery = await session.isInRecovery();
      isready = ISREADY.accepting;
    } catch (e) {
      env.log.debug(`local session: ${(e as Error).message}`);
      await session?.close();
      session = undefined;
      isready = (await pgIsReady(env.tools, { host: env.p.pghost, port: env.p.pgport, timeoutS: 3 }).catch(() => undefined))?.code ?? ISREADY.noResponse;
    }
  }
  // The control file is needed whenever the session cannot tell (down, starting, stopping) and to
  // confirm the role; a crashed primary is "in production" with no live postmaster.
  const control = await controlOrUndefined(env);
  const cls = classifyInstance({
    isready,
    controlState: control?.state,
    postmasterPid: pm.pid,
    postmasterAlive: pm.alive,
    inRecovery,
  });
  let timeline = control?.timeline;
  let lsn: Lsn | undefined = control?.checkpointLsn;
  if (session && (cls.state === 'primary' || cls.state === 'standby')) {
    try {
      timeline = await session.timeline();
      // A standby's received LSN can trail its replay (it starts at the segment streaming began): take the further.
      lsn = cls.state === 'primary' ? await session.currentLsn() : maxLsn(await session.receiveLsn(), await session.replayLsn()) ?? lsn;
    } catch (e) {
      env.log.debug(`position: ${(e as Error).message}`);
    }
  }
  return { ...cls, session, control, timeline, lsn };
};
