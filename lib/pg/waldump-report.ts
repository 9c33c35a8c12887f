// pg_waldump output (PostgreSQL 15 text format) -> the transactions a rewind would discard: xid,
// outcome and commit time, the tables they changed; rendered as text for the instance's state directory.
import { formatLsn, parseLsn, type Lsn } from './lsn.ts';

/** One WAL record as pg_waldump prints it. */
export interface WalRecord {
  rmgr: string;
  recLen: number;
  totLen: number;
  /** 0 for records outside a transaction. */
  xid: number;
  lsn: Lsn;
  prev: Lsn;
  /** The record type (first word of desc): COMMIT, INSERT+INIT, HOT_UPDATE, CHECKPOINT_SHUTDOWN... */
  type: string;
  desc: string;
  /** `tablespace/database/relfilenode` of each block reference. */
  relations: string[];
}

const LINE =
  /^rmgr: (\S+)\s+len \(rec\/tot\):\s*(\d+)\/\s*(\d+), tx:\s*(\d+), lsn: ([0-9A-Fa-f]+\/[0-9A-Fa-f]+), prev ([0-9A-Fa-f]+\/[0-9A-Fa-f]+), desc: (.*)$/;

/** Parses one `rmgr: ...` line; undefined for any other line. */
export const parseWaldumpLine = (line: string): WalRecord | undefined => {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const desc = m[7]!;
  return {
    rmgr: m[1]!,
    recLen: Number(m[2]),
    totLen: Number(m[3]),
    xid: Number(m[4]),
    lsn: parseLsn(m[5]!),
    prev: parseLsn(m[6]!),
    type: desc.split(/[\s,;]/, 1)[0] ?? '',
    desc,
    relations: [...new Set([...desc.matchAll(/\brel (\d+\/\d+\/\d+)/g)].map((r) => r[1]!))],
  };
};

/** Parses pg_waldump's stdout into records, skipping anything that is not a record line. */
export const parseWaldump = (text: string): WalRecord[] =>
  text.split('\n').flatMap((l) => {
    const r = parseWaldumpLine(l);
    return r ? [r] : [];
  });

/** What happened to a transaction by the end of the WAL read. */
export type TxOutcome = 'committed' | 'aborted' | 'prepared' | 'in progress';

/** One transaction found in the WAL range. */
export interface DiscardedTransaction {
  xid: number;
  outcome: TxOutcome;
  /** Commit/abort/prepare time as printed (waldump's time zone; the adapter runs it with TZ=UTC). */
  time: string | undefined;
  firstLsn: Lsn;
  lastLsn: Lsn;
  records: number;
  /** Tables changed (Heap/Heap2 block references), relfilenode >= 16384: user relations. */
  relations: string[];
  /** Relfilenodes below 16384: system catalogs (DDL). */
  catalogRelations: string[];
}

/** The report written before a rewind. */
export interface DiscardReport {
  timeline: number | undefined;
  from: Lsn | undefined;
  to: Lsn | undefined;
  transactions: DiscardedTransaction[];
  counts: Record<TxOutcome, number>;
  /** Every record read, in or out of transactions. */
  records: number;
}

const FIRST_NORMAL_OBJECT_ID = 16384;
const XACT_END = /^(COMMIT|ABORT|COMMIT_PREPARED|ABORT_PREPARED|PREPARE)\b\s*(?:(\d+):\s*)?(.*)$/;

const isCatalog = (rel: string): boolean => Number(rel.split('/')[2]) < FIRST_NORMAL_OBJECT_ID;

/** Ends a transaction from a Transaction-rmgr record; returns the xid it ends and the subtransactions it absorbs. */
const transactionEnd = (r: WalRecord): { xid: number; outcome: TxOutcome; time: string | undefined; subxids: number[] } | undefined => {
  if (r.rmgr !== 'Transaction') return undefined;
  const m = XACT_END.exec(r.desc);
  if (!m) return undefined;
  const kind = m[1]!;
  const outcome: TxOutcome = kind.startsWith('COMMIT') ? 'committed' : kind.startsWith('ABORT') ? 'aborted' : 'prepared';
  // COMMIT_PREPARED / ABORT_PREPARED name the prepared xid first ("731: <time>").
  const xid = m[2] !== undefined ? Number(m[2]) : r.xid;
  const time = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z+\-0-9:]+)?/.exec(m[3]!)?.[0];
  const subs = /subxacts:((?:\s+\d+)+)/.exec(r.desc)?.[1];
  return { xid, outcome, time, subxids: subs ? subs.trim().split(/\s+/).map(Number) : [] };
};

const emptyTx = (xid: number, lsn: Lsn): DiscardedTransaction => ({
  xid, outcome: 'in progress', time: undefined, firstLsn: lsn, lastLsn: lsn, records: 0, relations: [], catalogRelations: [],
});

/** Groups records by transaction: outcome, time, relations; subtransactions fold into their top-level xid. */
export const buildDiscardReport = (records: readonly WalRecord[], range: { timeline?: number; from?: Lsn; to?: Lsn } = {}): DiscardReport => {
  const txs = new Map<number, DiscardedTransaction>();
  const touch = (xid: number, lsn: Lsn): DiscardedTransaction => {
    const tx = txs.get(xid) ?? emptyTx(xid, lsn);
    txs.set(xid, tx);
    if (lsn < tx.firstLsn) tx.firstLsn = lsn;
    if (lsn > tx.lastLsn) tx.lastLsn = lsn;
    return tx;
  };
  for (const r of records) {
    const end = transactionEnd(r);
    const xid = end?.xid ?? r.xid;
    if (xid === 0) continue;
    const tx = touch(xid, r.lsn);
    tx.records++;
    if (r.rmgr === 'Heap' || r.rmgr === 'Heap2') {
      for (const rel of r.relations) (isCatalog(rel) ? tx.catalogRelations : tx.relations).push(rel);
    }
    if (!end) continue;
    tx.outcome = end.outcome;
    tx.time = end.time;
    for (const sub of end.subxids) mergeInto(tx, txs, sub);
  }
  const transactions = [...txs.values()]
    .map((t) => ({ ...t, relations: [...new Set(t.relations)].sort(), catalogRelations: [...new Set(t.catalogRelations)].sort() }))
    .sort((a, b) => (a.firstLsn < b.firstLsn ? -1 : a.firstLsn > b.firstLsn ? 1 : 0));
  const counts: Record<TxOutcome, number> = { committed: 0, aborted: 0, prepared: 0, 'in progress': 0 };
  for (const t of transactions) counts[t.outcome]++;
  return { timeline: range.timeline, from: range.from, to: range.to, transactions, counts, records: records.length };
};

/** Folds subtransaction `sub` into `tx` (records, relations, LSN range) and forgets it. */
const mergeInto = (tx: DiscardedTransaction, txs: Map<number, DiscardedTransaction>, sub: number): void => {
  const s = txs.get(sub);
  if (!s || s === tx) return;
  tx.records += s.records;
  tx.relations.push(...s.relations);
  tx.catalogRelations.push(...s.catalogRelations);
  if (s.firstLsn < tx.firstLsn) tx.firstLsn = s.firstLsn;
  if (s.lastLsn > tx.lastLsn) tx.lastLsn = s.lastLsn;
  txs.delete(sub);
};

/** Transactions whose changes became visible on the old primary and will be lost (committed or prepared). */
export const lostTransactions = (report: DiscardReport): DiscardedTransaction[] =>
  report.transactions.filter((t) => t.outcome === 'committed' || t.outcome === 'prepared');

const lsnText = (l: Lsn | undefined): string => (l === undefined ? '?' : formatLsn(l));

/** Renders the report as a text file: # header lines (given `meta` first), then one `key=value` line per transaction. */
export const renderDiscardReport = (report: DiscardReport, meta: Readonly<Record<string, string>> = {}): string => {
  const c = report.counts;
  const header = [
    '# pgbeat: transactions in WAL that a rewind discards',
    ...Object.entries(meta).map(([k, v]) => `# ${k}: ${v}`),
    `# wal: timeline ${report.timeline ?? '?'} from ${lsnText(report.from)} to ${lsnText(report.to)}, ${report.records} records`,
    `# transactions: ${report.transactions.length} (${c.committed} committed, ${c.aborted} aborted, ${c.prepared} prepared, ${c['in progress']} in progress)`,
  ];
  const lines = report.transactions.map((t) =>
    [
      `xid=${t.xid}`,
      `outcome=${t.outcome.replace(' ', '-')}`,
      `time="${t.time ?? ''}"`,
      `records=${t.records}`,
      `first_lsn=${formatLsn(t.firstLsn)}`,
      `last_lsn=${formatLsn(t.lastLsn)}`,
      `relations=${t.relations.join(',') || '-'}`,
      `catalog_relations=${t.catalogRelations.length}`,
    ].join(' '),
  );
  return `${[...header, ...lines].join('\n')}\n`;
};

/** Where pg_waldump found the WAL to end: the start of the last valid record and the invalid position after it. */
export interface WalEnd {
  lastRecordLsn: Lsn;
  endLsn: Lsn;
}

/** Reads "error in WAL record at X: invalid record length at Y: wanted 24, got 0" (stderr); undefined for other messages. */
export const parseWaldumpEnd = (stderr: string): WalEnd | undefined => {
  const m = /error in WAL record at ([0-9A-Fa-f]+\/[0-9A-Fa-f]+): .*? at ([0-9A-Fa-f]+\/[0-9A-Fa-f]+)/.exec(stderr);
  if (!m) return undefined;
  const last = parseLsn(m[1]!);
  return last === 0n ? undefined : { lastRecordLsn: last, endLsn: parseLsn(m[2]!) };
};
