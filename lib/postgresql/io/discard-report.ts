// The report of the transactions a rejoin gives up (written before pg_rewind or a re-clone changes
// anything), in report_dir (persistent, outside pgdata), named after the instance and the time.
import { formatLsn } from '../../pg/lsn.ts';
import { buildDiscardReport, renderDiscardReport } from '../../pg/waldump-report.ts';
import { writeReport } from './report-dir.ts';
import { discardReportName, type ForkPoint, type OurSide } from '../rejoin-plan.ts';
import type { CurrentPrimary } from './current-primary.ts';
import type { PgEnv } from './env.ts';
import { readOurWalSince } from './our-wal.ts';

/** Where the report went and what it counts. */
export interface WrittenReport {
  file: string;
  committed: number;
  prepared: number;
  transactions: number;
}

/** Reads our WAL from the fork to its end and writes the report; throws (before anything changes) when it cannot. */
export const writeDiscardReport = async (env: PgEnv, ours: OurSide, fork: ForkPoint, primary: CurrentPrimary, action: string): Promise<WrittenReport> => {
  const { records, spans } = await readOurWalSince(env, ours, fork);
  const report = buildDiscardReport(records, { timeline: ours.timeline, from: fork.lsn, to: ours.lastRecordLsn });
  const at = new Date();
  const file = writeReport(env, discardReportName(env.input.ctx.instance, at), renderDiscardReport(report, {
    node: env.node,
    pgdata: env.p.pgdata,
    'new primary': `${primary.name} (${primary.host}:${primary.port}) on timeline ${primary.timeline}`,
    'fork point': `timeline ${fork.timeline} at ${formatLsn(fork.lsn)}`,
    'wal read': spans.map((s) => `timeline ${s.timeline} ${formatLsn(s.start)}..${s.end === undefined ? 'end' : formatLsn(s.end)}`).join(', '),
    action,
    'written at': at.toISOString(),
  }));
  return { file, committed: report.counts.committed, prepared: report.counts.prepared, transactions: report.transactions.length };
};
