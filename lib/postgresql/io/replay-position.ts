// A running standby's replay timeline: what the session reported, plus the history files and
// segment names in its pg_wal (see ../../pg/replay-timeline.ts for the reasoning).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Standing } from '../../pg/io/session.ts';
import { maxLsn } from '../../pg/lsn.ts';
import { replayTimeline, type ReplayTimeline } from '../../pg/replay-timeline.ts';
import type { PgEnv } from './env.ts';
import { readHistories } from './our-wal.ts';

/**
 * The timeline of a standby's position: the further of what it replayed and what it received and
 * flushed (the LSN inspect reports, and what a promotion replays to); undefined when the session
 * did not give what it takes.
 */
export const standbyReplayTimeline = (env: PgEnv, standing: Standing): ReplayTimeline | undefined => {
  const rc = standing.recovery;
  const held = maxLsn(standing.replayLsn, standing.receiveLsn);
  if (!rc || held === undefined) return undefined;
  if (rc.receiverTimeline !== undefined) return replayTimeline({ ...rc, replayLsn: held, histories: new Map(), walFiles: new Set() });
  let names: string[];
  try {
    names = readdirSync(join(env.p.pgdata, 'pg_wal'));
  } catch (e) {
    env.log.warn(`cannot list ${env.p.pgdata}/pg_wal to find the replay timeline: ${(e as Error).message}`);
    names = [];
  }
  return replayTimeline({ ...rc, replayLsn: held, histories: readHistories(env, names), walFiles: new Set(names) });
};
