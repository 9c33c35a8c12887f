// pg_waldump: read WAL records from a data directory's pg_wal (the discarded-transactions report, end of WAL).
import type { CommandResult } from '../../exec/result.ts';
import { formatLsn, type Lsn } from '../lsn.ts';
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

/** Reads records with pg_waldump (TZ=UTC so commit times are in UTC); throws PgToolError on real failures. */
export const readWal = async (tools: PgTools, range: WalRange): Promise<WalRead> => {
  const result = await runPgTool(tools, 'pg_waldump', waldumpArgs(range), { timeoutMs: range.timeoutMs, env: { TZ: 'UTC' } });
  const records = parseWaldump(result.stdout);
  if (!result.failed) return { records, endOfWal: false, result };
  if (result.exitCode === 1 && END_OF_WAL.test(result.stderr)) return { records, endOfWal: true, result };
  throw new PgToolError(result, `Cannot read WAL on timeline ${range.timeline} from ${formatLsn(range.start)} in ${range.walDir}`);
};

/**
 * Where the WAL on `timeline` ends, reading from `start` (e.g. the last checkpoint's REDO point) with -q so
 * nothing is buffered: pg_waldump names the last valid record when it stops. Falls back to a full read
 * when the WAL ends at a missing segment (endLsn is then lastRecordLsn + record length, without
 * alignment). undefined when no valid record follows `start`.
 */
export const findWalEnd = async (tools: PgTools, range: Omit<WalRange, 'end' | 'limit' | 'rmgrs'>): Promise<WalEnd | undefined> => {
  const quiet = await runPgTool(tools, 'pg_waldump', ['-q', ...waldumpArgs(range)], { timeoutMs: range.timeoutMs });
  const end = parseWaldumpEnd(quiet.stderr);
  if (end) return end;
  const read = await readWal(tools, range);
  const last = read.records[read.records.length - 1];
  return last === undefined ? undefined : { lastRecordLsn: last.lsn, endLsn: last.lsn + BigInt(last.totLen) };
};
