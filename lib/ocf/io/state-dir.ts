// Per-instance files under HA_RSCTMP (empty after boot, so a marker there means "this boot").
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file name safe for any instance or address text. */
export const safeName = (text: string): string => text.replace(/[^A-Za-z0-9_.:-]/g, '_');

/** Creates the state directory if needed (mode 1755 root, like tmpfiles does) and returns a path in it. */
export const statePath = (stateDir: string, name: string): string => {
  mkdirSync(stateDir, { recursive: true, mode: 0o1755 });
  return join(stateDir, safeName(name));
};

/** Reads a small state file, or undefined when it does not exist. */
export const readState = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Writes a small state file atomically enough for one writer. */
export const writeState = (path: string, text: string): void => writeFileSync(path, text, { mode: 0o644 });

/** Removes a state file if present. */
export const removeState = (path: string): void => rmSync(path, { force: true });
