// The directories and files one target uses: the copy, the one being built, the one kept aside, and the
// lock and state files in state_dir (named after the target, so cron and the agent share them).

/** Every path a sync of one target touches. */
export interface SyncPaths {
  /** The good copy PostgreSQL would start from. */
  target: string;
  /** Where the next copy is built (same parent, so the switch is a rename). */
  building: string;
  /** Where the previous copy waits while the new one is switched in. */
  aside: string;
  lock: string;
  state: string;
}

/** A file name safe for any path: '/var/lib/pg/main' -> 'var_lib_pg_main'. */
export const targetKey = (targetDir: string): string => targetDir.replace(/\/+$/, '').replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'root';

/** The paths for `targetDir` with its files in `stateDir`. */
export const syncPaths = (targetDir: string, stateDir: string): SyncPaths => {
  const target = targetDir.replace(/\/+$/, '');
  const key = targetKey(target);
  return {
    target,
    building: `${target}.db_sync-new`,
    aside: `${target}.db_sync-old`,
    lock: `${stateDir}/${key}.lock`,
    state: `${stateDir}/${key}.state`,
  };
};

/** Which of the three directories exist (taken before a run). */
export interface DirsPresent {
  target: boolean;
  building: boolean;
  aside: boolean;
}

/** One step to bring the directories back to "one good copy" after an interrupted run. */
export type RepairStep =
  /** The switch stopped between its two renames: put the previous copy back. */
  | { do: 'restore-aside'; reason: string }
  /** An unfinished copy from a run that died: remove it (it was never the good copy). */
  | { do: 'remove-building'; reason: string }
  /** The previous copy was left aside after a switch: leave it, the run decides with proof. */
  | { do: 'check-aside'; reason: string };

/** What to repair before a run, from which directories exist. */
export const repairPlan = (d: DirsPresent): RepairStep[] => {
  const steps: RepairStep[] = [];
  if (!d.target && d.aside) steps.push({ do: 'restore-aside', reason: 'a switch was interrupted after the previous copy was moved aside: moving it back' });
  if (d.building) steps.push({ do: 'remove-building', reason: 'an unfinished copy from an interrupted run is in the way: removing it' });
  if (d.target && d.aside) steps.push({ do: 'check-aside', reason: 'a previous copy was kept aside by an earlier run' });
  return steps;
};
