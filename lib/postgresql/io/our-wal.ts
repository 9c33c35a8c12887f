// The stopped instance's own WAL: where it ends (the shutdown checkpoint, or what pg_waldump reads
// in pg_wal, newest timeline first) and the records between a fork point and that end.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlData } from '../../pg/controldata.ts';
import { formatLsn, type Lsn } from '../../pg/lsn.ts';
import { parseTimelineHistory, type HistoryEntry } from '../../pg/timeline-history.ts';
import type { WalRecord } from '../../pg/waldump-report.ts';
import { findWalEnd, readWal } from '../../pg/io/waldump.ts';
import type { OurSide } from '../rejoin-plan.ts';
import { discardedSpans, endSearch, type WalSpan } from '../wal-ranges.ts';
import type { PgEnv } from './env.ts';

/** Our side of the comparison, and how its end was found (for the log). */
export interface OurWalEnd extends OurSide {
  how: string;
  /** The end of the last record, when pg_waldump read it (what a running server reports as its position). */
  endLsn?: Lsn | undefined;
}

const walDir = (env: PgEnv): string => join(env.p.pgdata, 'pg_wal');

/** Every readable `<TLI>.history` in pg_wal (among `names`, default all), by timeline; an unreadable one is skipped with a log line. */
export const readHistories = (env: PgEnv, names: readonly string[] = readdirSync(walDir(env))): Map<number, HistoryEntry[]> => {
  const out = new Map<number, HistoryEntry[]>();
  for (const name of names.filter((f) => /^[0-9A-F]{8}\.history$/.test(f))) {
    const path = join(walDir(env), name);
    try {
      out.set(Number.parseInt(name.slice(0, 8), 16), parseTimelineHistory(readFileSync(path, 'utf8'), path));
    } catch (e) {
      env.log.warn(`rejoin: ignoring ${path}: ${(e as Error).message}`);
    }
  }
  return out;
};

/** Where our WAL ends: a clean primary shutdown's checkpoint, else the last record pg_waldump finds. */
export const readOurWalEnd = async (env: PgEnv, cd: ControlData): Promise<OurWalEnd> => {
  const histories = readHistories(env);
  const search = endSearch(cd, histories);
  if (search.by === 'checkpoint') {
    return { systemId: cd.systemIdentifier, timeline: search.timeline, history: histories.get(search.timeline) ?? [], lastRecordLsn: search.lastRecordLsn, how: search.why };
  }
  for (const probe of search.probes) {
    const end = await findWalEnd(env.tools, { walDir: walDir(env), timeline: probe.timeline, start: probe.start, timeoutMs: env.left(30_000) });
    if (end) {
      const how = `pg_waldump: last record on timeline ${probe.timeline} at ${formatLsn(end.lastRecordLsn)} (${cd.state})`;
      return { systemId: cd.systemIdentifier, timeline: probe.timeline, history: probe.history, lastRecordLsn: end.lastRecordLsn, endLsn: end.endLsn, how };
    }
  }
  // Underestimating the end can only make us try to follow; the server itself then refuses a
  // timeline that forked before its own position, so this errs on the side of not streaming.
  env.log.warn(`rejoin: pg_waldump found no WAL record after the last checkpoint's REDO point ${formatLsn(cd.redoLsn)}; using the checkpoint location`);
  return { systemId: cd.systemIdentifier, timeline: cd.timeline, history: histories.get(cd.timeline) ?? [], lastRecordLsn: cd.checkpointLsn, how: 'checkpoint location (pg_waldump found no record)' };
};

/** The records (heap and transaction ones) of our WAL from `fork` to its end, timeline by timeline. */
export const readOurWalSince = async (env: PgEnv, ours: OurSide, fork: { timeline: number; lsn: Lsn }): Promise<{ records: WalRecord[]; spans: WalSpan[] }> => {
  const spans = discardedSpans(ours, fork);
  const records: WalRecord[] = [];
  for (const s of spans) {
    const read = await readWal(env.tools, {
      walDir: walDir(env), timeline: s.timeline, start: s.start, end: s.end, rmgrs: ['Heap', 'Heap2', 'Transaction'], timeoutMs: env.left(60_000),
    });
    records.push(...read.records);
  }
  return { records, spans };
};
