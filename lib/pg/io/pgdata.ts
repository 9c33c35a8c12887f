// Files of a data directory the agent reads or writes while the server may be down: PG_VERSION,
// postgresql.auto.conf, standby.signal, pg_wal/<TLI>.history.
import { chownSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAutoConf, renderAutoConf, type AutoConf } from '../auto-conf.ts';
import { historyFileName } from '../lsn.ts';
import { STANDBY_SIGNAL } from '../standby-settings.ts';
import { parseTimelineHistory, type HistoryEntry } from '../timeline-history.ts';
import { parsePgVersionFile, type PgMajor } from '../version.ts';

/** Whether the path exists but is not a directory (a file where the data directory should be). */
export const existsButNotADirectory = (path: string): boolean => {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The major version in pgdata/PG_VERSION; throws when the file is missing or malformed. */
export const readPgVersion = (pgdata: string): PgMajor => parsePgVersionFile(readFileSync(join(pgdata, 'PG_VERSION'), 'utf8'));

/** postgresql.auto.conf of pgdata (empty when the file does not exist). */
export const readAutoConf = (pgdata: string): AutoConf => {
  const path = join(pgdata, 'postgresql.auto.conf');
  return existsSync(path) ? parseAutoConf(readFileSync(path, 'utf8'), path) : { lines: [] };
};

/** Writes a file through a temporary name and rename, owned like the data directory, mode 0600. */
const writeOwned = (pgdata: string, name: string, text: string): void => {
  const path = join(pgdata, name);
  const tmp = `${path}.pgbeat.tmp`;
  const { uid, gid } = statSync(pgdata);
  writeFileSync(tmp, text, { mode: 0o600 });
  chownSync(tmp, uid, gid);
  renameSync(tmp, path);
};

/** Replaces postgresql.auto.conf (only while the server is stopped: a running server owns it via ALTER SYSTEM). */
export const writeAutoConf = (pgdata: string, conf: AutoConf): void => writeOwned(pgdata, 'postgresql.auto.conf', renderAutoConf(conf));

/** Whether standby.signal exists. */
export const hasStandbySignal = (pgdata: string): boolean => existsSync(join(pgdata, STANDBY_SIGNAL));

/** Creates (true) or removes (false) standby.signal. */
export const setStandbySignal = (pgdata: string, on: boolean): void => {
  if (on) writeOwned(pgdata, STANDBY_SIGNAL, '');
  else rmSync(join(pgdata, STANDBY_SIGNAL), { force: true });
};

/** The history of `timeline` from pgdata/pg_wal (empty for timeline 1); throws when the file is missing. */
export const readTimelineHistory = (pgdata: string, timeline: number): HistoryEntry[] => {
  if (timeline <= 1) return [];
  const path = join(pgdata, 'pg_wal', historyFileName(timeline));
  return parseTimelineHistory(readFileSync(path, 'utf8'), path);
};
