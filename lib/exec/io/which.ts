// Finds an executable on PATH (plus sbin directories, which a clean environment may lack).
import { accessSync, constants, statSync } from 'node:fs';

const EXTRA = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of `name`, or undefined when no executable file of that name is found. */
export const which = (name: string, extraDirs: readonly string[] = []): string | undefined => {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...extraDirs, ...EXTRA];
  const candidates = name.includes('/') ? [name] : dirs.map((d) => `${d}/${name}`);
  for (const path of candidates) {
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
};
