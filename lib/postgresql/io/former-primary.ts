// The former-primary record (see ../former-primary.ts) in the state directory.
import { readState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import type { ControlData } from '../../pg/controldata.ts';
import { readControlHead } from '../../pg/io/controldata.ts';
import { decodeFormerPrimary, encodeFormerPrimary, formerPrimaryHolds } from '../former-primary.ts';
import type { PgEnv } from './env.ts';

const recordPath = (env: PgEnv): string => statePath(env.input.ctx.stateDir, `pgbeat-postgresql-${env.input.ctx.instance}-former-primary.json`);

/** At a promotable start: a cleanly shut down primary records that it was the primary of its timeline. */
export const recordFormerPrimary = (env: PgEnv, cd: ControlData): void => {
  if (cd.state !== 'shut down') return;
  try {
    writeState(recordPath(env), encodeFormerPrimary({ systemId: cd.systemIdentifier, timeline: cd.timeline, lsn: cd.checkpointLsn }));
    env.log.info(`${env.p.pgdata} was a cleanly shut down primary of timeline ${cd.timeline}: it may be promoted without a sync flag while it stays on it`);
  } catch (e) {
    env.log.warn(`cannot record that ${env.p.pgdata} was the primary: ${(e as Error).message}`);
  }
};

/** Whether this node still is the former primary of `timeline` (same database cluster, same timeline). */
export const isFormerPrimary = (env: PgEnv, timeline: number | undefined): boolean => {
  const record = decodeFormerPrimary(readState(recordPath(env)));
  const head = record && timeline !== undefined ? readControlHead(env.p.pgdata) : undefined;
  return head !== undefined && timeline !== undefined && formerPrimaryHolds(record, { systemId: head.systemIdentifier, timeline });
};
