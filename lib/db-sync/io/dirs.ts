// The directory moves of a run: repair after an interrupted run, make the building directory, switch the
// new copy in (two renames in one parent), and measure a copy.
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../log/logger.ts';
import { repairPlan, type SyncPaths } from '../paths.ts';

/** Brings the directories back to "one good copy" after an interrupted run (see repairPlan). */
export const repairDirs = (paths: SyncPaths, log: Logger): void => {
  const steps = repairPlan({ target: existsSync(paths.target), building: existsSync(paths.building), aside: existsSync(paths.aside) });
  for (const step of steps) {
    if (step.do === 'restore-aside') {
      log.warn(`${paths.aside}: ${step.reason}`);
      renameSync(paths.aside, paths.target);
    } else if (step.do === 'remove-building') {
      log.warn(`${paths.building}: ${step.reason}`);
      rmSync(paths.building, { recursive: true, force: true });
    }
  }
};

/** Creates the empty building directory (mode 0700) owned by `uid:gid`. */
export const makeBuilding = (path: string, uid: number, gid: number): void => {
  mkdirSync(dirname(path), { recursive: true });
  mkdirSync(path, { mode: 0o700 });
  chownSync(path, uid, gid);
};

/** Moves the good copy aside (if any) and the new one into its place. */
export const switchIn = (paths: SyncPaths): void => {
  if (existsSync(paths.target)) renameSync(paths.target, paths.aside);
  renameSync(paths.building, paths.target);
};

/** Removes `path` if it is an empty directory (rmdir: nothing in it can be lost); whether it did. */
export const removeIfEmpty = (path: string): boolean => {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
};

/** Removes a directory tree (the caller has proven it may go). */
export const removeTree = (path: string): void => rmSync(path, { recursive: true, force: true });

/** Bytes of regular files under `dir` (hard links counted once). */
export const treeBytes = (dir: string): number => {
  const seen = new Set<number>();
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !seen.has(st.ino)) {
        seen.add(st.ino);
        total += st.size;
      }
    }
  };
  walk(dir);
  return total;
};

/**
 * Sets mtime 0 on every regular file under `dir` modified at or after `cutoff` (epoch seconds), so the
 * next incremental run compares their contents instead of trusting size and time. Returns how many.
 */
export const ageRecentFiles = (dir: string, cutoff: number): number => {
  let n = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.mtimeMs / 1000 >= cutoff) {
        utimesSync(p, st.atime, 0);
        n++;
      }
    }
  };
  walk(dir);
  return n;
};

/** uid and gid of a path. */
export const ownerOf = (path: string): { uid: number; gid: number } => {
  const st = statSync(path);
  return { uid: st.uid, gid: st.gid };
};
