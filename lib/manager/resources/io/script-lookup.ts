// Finding a heartbeat v1 resource script as heartbeat does: the first regular, executable file
// among the candidates (resource.d, then init.d).
import { accessSync, constants, statSync } from 'node:fs';
import { v1ScriptCandidates } from '../invocation.ts';

/** Whether `path` is a regular file this process may execute. */
export const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The path of v1 script `name` in `dirs` (first match), or undefined. */
export const findV1Script = (name: string, dirs: readonly string[]): string | undefined =>
  v1ScriptCandidates(name, dirs).find(isExecutableFile);
