// PostgreSQL versions: PG_VERSION of a data directory, `postgres --version`, major version comparison.
import { quoteValue } from '../ocf/quote.ts';

/** A major version as PostgreSQL names it: '15', '10', '9.6'. */
export type PgMajor = string;

/** The major version of a version text: '15.18' -> '15', '9.6.24' -> '9.6', '16beta1' -> '16'. */
export const majorOf = (version: string): PgMajor => {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new SyntaxError(`Cannot read a PostgreSQL version from ${quoteValue(version)}`);
  return Number(m[1]) >= 10 ? m[1]! : `${m[1]}.${m[2] ?? '0'}`;
};

/** Parses the PG_VERSION file of a data directory ('15\n'). */
export const parsePgVersionFile = (text: string): PgMajor => {
  const v = text.trim();
  if (!/^\d+(\.\d+)?$/.test(v)) throw new SyntaxError(`Cannot parse PG_VERSION: ${quoteValue(v)} is not a major version`);
  return majorOf(v);
};

/** What `postgres --version` (or pg_ctl/pg_config --version) printed. */
export interface BinaryVersion {
  /** '15.18' */
  version: string;
  major: PgMajor;
  /** The whole line, for messages. */
  text: string;
}

/** Parses `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. */
export const parseBinaryVersion = (output: string): BinaryVersion => {
  const line = output.trim().split('\n')[0] ?? '';
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*(?:(?:devel|alpha|beta|rc)\d*)?)/.exec(line) ?? /^PostgreSQL\s+(\d+(?:\.\d+)*\S*)/.exec(line);
  if (!m) throw new SyntaxError(`Cannot parse a PostgreSQL version from ${quoteValue(line)}`);
  return { version: m[1]!, major: majorOf(m[1]!), text: line };
};

/** Orders major versions: negative when a is older than b. */
export const compareMajor = (a: PgMajor, b: PgMajor): number => {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! - b1! || (a2 ?? 0) - (b2 ?? 0);
};

/** Why the binaries cannot run this data directory, or undefined when the majors match. */
export const versionMismatch = (dataMajor: PgMajor, binary: BinaryVersion, where: { pgdata: string; bindir: string }): string | undefined =>
  compareMajor(dataMajor, binary.major) === 0
    ? undefined
    : `${where.pgdata} holds a PostgreSQL ${dataMajor} cluster (PG_VERSION) but ${where.bindir} has PostgreSQL ${binary.version}: set bindir to the PostgreSQL ${dataMajor} binaries`;
