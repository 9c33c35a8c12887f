// pg_waldump: read WAL records from a data directory's pg_wal (the discarded-transactions report, end of WAL).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../../exec/result.ts';
import { DEFAULT_WAL_SEGMENT_SIZE, formatLsn, type Lsn } from '../lsn.ts';
import { walReadLimit } from '../wal-read-limit.ts';
import { parseWaldump, parseWaldumpEnd, type WalEnd, type WalRecord } from '../waldump-report.ts';
import { PgToolError, runPgTool, type PgTools } from './tool.ts';

/** Which records to read. */
export interface WalRange {
  /** pg_wal directory (or a data directory). */
  walDir: string;
  timeline: number;
  start: Lsn;
  /** Stop before this position; undefined reads to the end of the WAL. */
  end?: Lsn | undefined;
  /** At most this many records (-n). */
  limit?: number | undefined;
  /** Only these resource managers (-r, repeatable since PG 15), e.g. Heap, Heap2, Transaction. */
  rmgrs?: readonly string[] | undefined;
  timeoutMs: number;
}

/** The records read and whether reading stopped at the end of the available WAL. */
export interface WalRead {
  records: WalRecord[];
  /** pg_waldump stopped on an invalid or missing record: the end of this WAL, not an error. */
  endOfWal: boolean;
  result: CommandResult;
}

// How pg_waldump reports that the WAL simply ends (zeroed or recycled space, or no next segment).
const END_OF_WAL = /invalid record length|invalid magic number|incorrect prev-link|invalid record offset|could not find file|contrecord|record with invalid length|could not read file/;

/** The pg_waldump argument list for a range. */
export const waldumpArgs = (r: WalRange): string[] => {
  const args = ['-p', r.walDir, '-t', String(r.timeline), '-s', formatLsn(r.start)];
  if (r.end !== undefined) args.push('-e', formatLsn(r.end));
  if (r.limit !== undefined) args.push('-n', String(r.limit));
  for (const rm of r.rmgrs ?? []) args.push('-r', rm);
  return args;
};

/**
 * The range with an end at the last segment file of its timeline when it has none (walReadLimit:
 * pg_waldump would otherwise wait 5 s for a segment that never comes).
 */
const bounded = <R extends Omit<WalRange, 'end'> & { end?: Lsn | undefined }>(range: R): R => {
  if (range.end !== undefined) return range;
  try {
    const dir = /(^|\/)pg_wal\/?$/.test(range.walDir) ? range.walDir : join(range.walDir, 'pg_wal');
    const names = readdirSync(dir);
    const any = names.find((n) => /^[0-9A-F]{24}$/.test(n));
    const segmentSize = any === undefined ? DEFAULT_WAL_SEGMENT_SIZE : BigInt(statSync(join(dir, any)).size);
    return { ...range, end: walReadLimit(names, range.timeline, range.start, segmentSize) };
  } catch {
    return range;
  }
};

/** Reads records with pg_waldump (TZ=UTC so commit times are in UTC); throws PgToolError on real failures. */
export const readWal = async (tools: PgTools, unbounded: WalRange): Promise<WalRead> => {
  const range = bounded(unbounded);
  const result = await runPgTool(tools, 'pg_waldump', waldumpArgs(range), { timeoutMs: range.timeoutMs, env: { TZ: 'UTC' } });
  const records = parseWaldump(result.stdout);
  // Stopping at the limit bounded() set is stopping at the end of the WAL that is there.
  if (!result.failed) return { records, endOfWal: range.end !== unbounded.end, result };
  if (result.exitCode === 1 && END_OF_WAL.test(result.stderr)) return { records, endOfWal: true, result };
  throw new PgToolError(result, `Cannot read WAL on timeline ${range.timeline} from ${formatLsn(range.start)} in ${range.walDir}`);
};

/**
 * Where the WAL on `timeline` ends, reading from `start` (e.g. the last checkpoint's REDO point) with -q so
 * nothing is buffered: pg_waldump names the last valid record when it stops. Falls back to a full read
 * when the WAL ends at a missing segment (endLsn is then lastRecordLsn + record length, without
 * alignment). undefined when no valid record follows `start`.
 */
export const findWalEnd = async (tools: PgTools, unbounded: Omit<WalRange, 'end' | 'limit' | 'rmgrs'>): Promise<WalEnd | undefined> => {
  const range = bounded(unbounded);
  const quiet = await runPgTool(tools, 'pg_waldump', ['-q', ...waldumpArgs(range)], { timeoutMs: range.timeoutMs });
  const end = parseWaldumpEnd(quiet.stderr);
  if (end) return end;
  const read = await readWal(tools, range);
  const last = read.records[read.records.length - 1];
  return last === undefined ? undefined : { lastRecordLsn: last.lsn, endLsn: last.lsn + BigInt(last.totLen) };
};
