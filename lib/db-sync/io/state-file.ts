// Reads and writes the state file (through a temporary name, so monitor never reads half of it).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseState, renderState, type SyncState } from '../state.ts';

/** The state at `path` (NO_STATE when missing or malformed). */
export const readSyncState = (path: string): SyncState => {
  try {
    return parseState(readFileSync(path, 'utf8'));
  } catch {
    return parseState(undefined);
  }
};

/** Replaces the state at `path`. */
export const writeSyncState = (path: string, state: SyncState): void => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, renderState(state), { mode: 0o644 });
  renameSync(tmp, path);
};
