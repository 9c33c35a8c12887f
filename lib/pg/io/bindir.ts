// Where the PostgreSQL binaries for a data directory live: the bindir parameter, Debian's
// /usr/lib/postgresql/<major>/bin for the major in PG_VERSION, pg_config --bindir, or PATH.
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, type Runner } from '../../exec/io/run.ts';
import { which } from '../../exec/io/which.ts';
import { readPgVersion } from './pgdata.ts';

/** The directory found, and how (for logs). */
export interface BindirChoice {
  bindir: string;
  how: string;
}

const hasPgCtl = (dir: string): boolean => {
  try {
    accessSync(join(dir, 'pg_ctl'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds the bindir; throws an Error saying what was tried when none has pg_ctl. A configured bindir is
 * used as given (validate-all compares its version with PG_VERSION separately).
 */
export const findBindir = async (
  o: { pgdata: string; configured?: string | undefined; runner?: Runner; debianRoot?: string },
): Promise<BindirChoice> => {
  if (o.configured) {
    if (hasPgCtl(o.configured)) return { bindir: o.configured, how: 'bindir parameter' };
    throw new Error(`Cannot use bindir ${o.configured}: it has no executable pg_ctl`);
  }
  const tried: string[] = [];
  let major: string | undefined;
  try {
    major = readPgVersion(o.pgdata);
  } catch {
    tried.push(`${o.pgdata}/PG_VERSION unreadable`);
  }
  if (major !== undefined) {
    const debian = join(o.debianRoot ?? '/usr/lib/postgresql', major, 'bin');
    if (hasPgCtl(debian)) return { bindir: debian, how: `PG_VERSION ${major}` };
    tried.push(debian);
  }
  const pgConfig = which('pg_config');
  if (pgConfig) {
    const r = await (o.runner ?? run)(pgConfig, ['--bindir'], { timeoutMs: 5_000 });
    const dir = r.stdout.trim();
    if (!r.failed && dir && hasPgCtl(dir)) return { bindir: dir, how: 'pg_config --bindir' };
    tried.push(`pg_config --bindir (${dir || 'failed'})`);
  }
  const pgCtl = which('pg_ctl');
  if (pgCtl) return { bindir: dirname(pgCtl), how: 'PATH' };
  tried.push('PATH');
  throw new Error(`Cannot find the PostgreSQL binaries (pg_ctl): tried ${tried.join(', ')}; set bindir`);
};
