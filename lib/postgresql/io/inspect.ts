// What the local instance is doing now: postmaster.pid, a session (role), else pg_controldata.
import { classifyInstance, ISREADY, type InstanceClassification } from '../../pg/instance-state.ts';
import { isServerFull } from '../../pg/connect-error.ts';
import type { ControlData } from '../../pg/controldata.ts';
import type { PgSession, Standing } from '../../pg/io/session.ts';
import { readControlHead } from '../../pg/io/controldata.ts';
import { pgIsReady } from '../../pg/io/isready.ts';
import { postmasterStatus } from '../../pg/io/postmaster.ts';
import { maxLsn, type Lsn } from '../../pg/lsn.ts';
import type { PgEnv } from './env.ts';
import { standbyReplayTimeline } from './replay-position.ts';

/** The local instance: its classification, and what the probes saw. */
export interface Inspection extends InstanceClassification {
  /** An open session when the server accepts connections (the caller closes it). */
  session: PgSession | undefined;
  /** pg_controldata's full output, when it was read (the server did not answer). */
  control: ControlData | undefined;
  /** Current timeline and WAL position, when known (session or controldata). */
  timeline: number | undefined;
  lsn: Lsn | undefined;
  /** What the server said of itself, when it answered. */
  standing: Standing | undefined;
  /** The server runs but refused us: every connection slot is taken (the role is the control file's). */
  full: boolean;
}

const controlOrUndefined = async (env: PgEnv): Promise<ControlData | undefined> => {
  try {
    return await env.instance.controlData(env.left(10_000));
  } catch (e) {
    env.log.debug(`pg_controldata: ${(e as Error).message}`);
    return undefined;
  }
};

/**
 * Inspects the local instance with as few probes as the answer needs. A server that answers gives
 * its role, timeline and WAL position in one query, checked against the control file's head (read
 * directly); one that does not is classified from pg_controldata's full output.
 */
export const inspect = async (env: PgEnv): Promise<Inspection> => {
  const pm = postmasterStatus(env.p.pgdata);
  let session: PgSession | undefined;
  let standing: Standing | undefined;
  let isready: 0 | 1 | 2 | 3 = ISREADY.noResponse;
  let full = false;
  if (pm.alive) {
    try {
      session = await env.instance.session(Math.min(3_000, env.left()));
      standing = await session.standing();
      isready = ISREADY.accepting;
    } catch (e) {
      env.log.debug(`local session: ${(e as Error).message}`);
      await session?.close();
      session = undefined;
      standing = undefined;
      // A server that answers "too many clients" is running and busy, not dead (it answered: no pg_isready).
      full = isServerFull(e);
      if (full) {
        env.log.warn(`${env.p.pgdata} runs but refused the agent's connection: ${(e as Error).message}; the role is taken from the control file (superuser_reserved_connections keeps slots for ${env.p.system_user} if it is a superuser)`);
        isready = ISREADY.accepting;
      } else {
        const probe = { host: env.p.pghost, port: env.p.pgport, timeoutS: 3, user: env.p.system_user };
        isready = (await pgIsReady(env.tools, probe).catch(() => undefined))?.code ?? ISREADY.noResponse;
      }
    }
  }
  // The control file confirms the role (the socket is this data directory's) and tells the rest:
  // down, starting, stopping, a crashed primary ("in production" with no live postmaster).
  const head = standing ? readControlHead(env.p.pgdata) : undefined;
  const control = head ? undefined : await controlOrUndefined(env);
  const cls = classifyInstance({
    isready,
    controlState: head?.state ?? control?.state,
    postmasterPid: pm.pid,
    postmasterAlive: pm.alive,
    inRecovery: standing?.inRecovery,
    full,
  });
  let timeline = head?.timeline ?? control?.timeline;
  let lsn: Lsn | undefined = head?.checkpointLsn ?? control?.checkpointLsn;
  if (standing && (cls.state === 'primary' || cls.state === 'standby')) {
    // A standby's replay timeline, not its last restartpoint's (rule: compare what was replayed).
    const replay = cls.state === 'standby' ? standbyReplayTimeline(env, standing) : undefined;
    if (replay && replay.timeline !== standing.timeline) env.log.debug(`replay timeline ${replay.timeline}: ${replay.how}`);
    timeline = replay?.timeline ?? standing.timeline;
    // A standby's received LSN can trail its replay (it starts at the segment streaming began): take the further.
    lsn = cls.state === 'primary' ? standing.currentLsn : maxLsn(standing.receiveLsn, standing.replayLsn) ?? lsn;
  }
  return { ...cls, session, control, timeline, lsn, standing, full };
};
