// The former-primary record (see ../former-primary.ts) in the state directory.
import { readState, removeState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import type { ControlData } from '../../pg/controldata.ts';
import { readControlHead } from '../../pg/io/controldata.ts';
import { decodeFormerPrimary, encodeFormerPrimary, formerPrimaryHolds } from '../former-primary.ts';
import type { PgEnv } from './env.ts';

const recordPath = (env: PgEnv): string => statePath(env.input.ctx.stateDir, `pgbeat-postgresql-${env.input.ctx.instance}-former-primary.json`);

/**
 * At every promotable start: a cleanly shut down primary records that it was the primary of its
 * timeline; any other start (a crash, a standby, an empty directory) forgets an older record, which
 * could otherwise outlive a promotion elsewhere that this node has not seen.
 */
export const noteStartState = (env: PgEnv, cd: ControlData | undefined): void => {
  if (cd?.state !== 'shut down') {
    forgetFormerPrimary(env);
    return;
  }
  try {
    writeState(recordPath(env), encodeFormerPrimary({ systemId: cd.systemIdentifier, timeline: cd.timeline, lsn: cd.checkpointLsn }));
    env.log.info(`${env.p.pgdata} was a cleanly shut down primary of timeline ${cd.timeline}: it may be promoted without a sync flag while it stays on it`);
  } catch (e) {
    env.log.warn(`cannot record that ${env.p.pgdata} was the primary: ${(e as Error).message}`);
  }
};

/** Once promoted (or cloned), the record has served: it must not speak for a later promotion. */
export const forgetFormerPrimary = (env: PgEnv): void => {
  try {
    removeState(recordPath(env));
  } catch (e) {
    env.log.warn(`cannot remove ${recordPath(env)}: ${(e as Error).message}`);
  }
};

/** Whether this node still is the former primary of `timeline` (same database cluster, same timeline). */
export const isFormerPrimary = (env: PgEnv, timeline: number | undefined): boolean => {
  const record = decodeFormerPrimary(readState(recordPath(env)));
  const head = record && timeline !== undefined ? readControlHead(env.p.pgdata) : undefined;
  return head !== undefined && timeline !== undefined && formerPrimaryHolds(record, { systemId: head.systemIdentifier, timeline });
};
