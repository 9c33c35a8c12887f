// Replacing a file by rename, never in place. A running daemon maps serialport's native binding
// and agents start from the executables while a build or an install rewrites them: truncating a
// mapped shared object kills the process with SIGBUS (seen: both pgbeat daemons of the bed died,
// silently, when dist/ was rebuilt under them), and a half-written executable fails whoever starts
// it. A temporary file in the same directory, renamed over the old one, leaves the old inode to
// those who hold it and gives the new one to everyone after.
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` through `<dir>/.<name>.<pid>.tmp` and a rename; `mode` is set before the rename. */
export const writeAtomically = (path, data, mode = 0o644) => {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
};
