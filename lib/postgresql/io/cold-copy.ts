// Starting a primitive's primary from a cold copy (see ../cold-copy.ts): peer check, recovery from the
// copy's own WAL as a standby with nowhere to stream from, peer check again, promotion onto a new timeline.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { setSettings } from '../../pg/auto-conf.ts';
import type { ControlData } from '../../pg/controldata.ts';
import { readAutoConf, setStandbySignal, writeAutoConf } from '../../pg/io/pgdata.ts';
import { mayStartAsPrimary } from '../../pg/promotion.ts';
import type { CopySnapshot, CopyStart } from '../cold-copy.ts';
import type { PgEnv } from './env.ts';
import { askPeers, describePeers } from './peers.ts';
import { promoteStandby } from './promote.ts';
import { archiveSettings, startServer } from './standby.ts';
import { waitForState } from './wait.ts';

/** What a stopped data directory holds, for coldCopyStart (control: pg_controldata's output, if read). */
export const readCopySnapshot = (pgdata: string, control: ControlData | undefined): CopySnapshot => {
  const label = join(pgdata, 'backup_label');
  const wal = join(pgdata, 'pg_wal');
  return {
    backupLabel: existsSync(label) ? readFileSync(label, 'utf8') : undefined,
    controlState: control?.state,
    walSegmentSize: control?.walSegmentSize ?? 16 * 1024 * 1024,
    walFiles: existsSync(wal) ? readdirSync(wal) : [],
  };
};

/** Refuses (throws with the reason) while a peer runs as primary, is on a newer timeline, or cannot be asked. */
const checkPeers = async (env: PgEnv, self: CopyStart & { kind: 'recover-and-promote' }, when: string): Promise<void> => {
  const peers = await askPeers(env);
  const verdict = mayStartAsPrimary({ name: env.node, ...self.self }, peers);
  (verdict.allow ? env.log.info : env.log.warn)(`start-from-copy check (${when}): ${verdict.reason} [${describePeers(peers)}]`);
  if (!verdict.allow) throw new OcfError(OCF_ERR_GENERIC, `Refusing to start ${env.node} as primary from its copy: ${verdict.reason}`);
};

/**
 * Starts the copy as primary: it recovers as a standby that streams from nowhere (primary_conninfo
 * empty; archive_dir's WAL when set), and once consistent (it accepts connections) it is promoted,
 * which replays every WAL file the copy holds first and then opens on a new timeline. A failure
 * before the promotion stops the server again, leaving a stopped standby.
 */
export const startFromCopy = async (env: PgEnv, plan: CopyStart & { kind: 'recover-and-promote' }): Promise<void> => {
  const pgdata = env.p.pgdata;
  env.log.info(`${pgdata}: ${plan.reason}`);
  await checkPeers(env, plan, 'before recovery');
  const archive = env.p.archive_dir;
  writeAutoConf(pgdata, setSettings(readAutoConf(pgdata), {
    primary_conninfo: '',
    primary_slot_name: undefined,
    restore_command: archive ? `cp '${archive}/%f' '%p'` : '',
    archive_cleanup_command: undefined,
    recovery_target_timeline: 'latest',
    ...archiveSettings(env),
  }));
  setStandbySignal(pgdata, true);
  await startServer(env, 'standby');
  try {
    await waitForState(env, ['standby'], 'the copy to recover to consistency (it accepts connections then; hot_standby must be on)');
    await checkPeers(env, plan, 'before promotion');
  } catch (e) {
    const out = await env.ctl.stop({ deadlineMs: Math.max(env.left() - 300, 5_000) });
    env.log.warn(`the copy's recovery was stopped (${out.stopped ? `stopped, ${out.how}` : 'it may still run'})`);
    throw e;
  }
  await promoteStandby(env);
};
