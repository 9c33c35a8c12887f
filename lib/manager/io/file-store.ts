// A Store (ports.ts) kept in one small file: written to a temporary file, fsynced, renamed over the old
// one and the directory fsynced, so a crash leaves the old value or the new one, never half of either.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Store } from '../ports.ts';

/** A Store of one value in `path`, with its text form; a file that does not parse loads as undefined. */
export const fileStore = <T>(path: string, format: (v: T) => string, parse: (text: string) => T | undefined): Store<T> => ({
  async load() {
    try {
      return parse(await readFile(path, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  async save(value) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp`;
    const f = await open(tmp, 'w', 0o644);
    try {
      await f.writeFile(format(value));
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(tmp, path);
    const d = await open(dirname(path), 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  },
});
