// What this node's target directory holds: nothing, an empty directory, a copy (control file identity and
// whether a postmaster runs on it) or something else.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readControlHead } from '../../pg/io/controldata.ts';
import { postmasterStatus, readPostmasterPid } from '../../pg/io/postmaster.ts';
import type { CopyIdentity, TargetFacts } from '../direction.ts';

/** The identity in `dir`'s control file, or undefined when there is none to read. */
export const copyIdentity = (dir: string): CopyIdentity | undefined => {
  const head = readControlHead(dir);
  return head === undefined ? undefined : { systemId: head.systemIdentifier, timeline: head.timeline, checkpointLsn: head.checkpointLsn };
};

/** Reads the facts of `dir` for decideSync. */
export const readTargetFacts = (dir: string): TargetFacts => {
  if (!existsSync(dir)) return { kind: 'absent' };
  const entries = readdirSync(dir);
  if (entries.length === 0) return { kind: 'empty' };
  const identity = copyIdentity(dir);
  if (identity === undefined) {
    return { kind: 'foreign', detail: `it holds ${entries.length} entries but no readable global/pg_control` };
  }
  const pm = postmasterStatus(dir);
  if (pm.alive) return { kind: 'copy', identity, postmasterPid: pm.pid, postmasterStart: readPostmasterPid(dir)?.startTime };
  const state = readControlHead(dir)?.state;
  const wasRunning = state === 'in production' || state === 'in crash recovery' || state === 'shutting down';
  return { kind: 'copy', identity, postmasterPid: undefined, crashedPrimary: wasRunning && !existsSync(join(dir, 'backup_label')) };
};
