// pg_controldata output (run with LC_ALL=C) -> a typed record of the control file.
import { quoteValue } from '../ocf/quote.ts';
import { isLsnText, parseLsn, type Lsn } from './lsn.ts';

/** "Database cluster state" values, exactly as pg_controldata prints them (dbState() in PG 9.0-17). */
export const CLUSTER_STATES = [
  'starting up',
  'shut down',
  'shut down in recovery',
  'shutting down',
  'in crash recovery',
  'in archive recovery',
  'in production',
] as const;

/** One of the control file's database states. */
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** The fields of pg_control an agent decides on; `fields` keeps every line by its label. */
export interface ControlData {
  pgControlVersion: number;
  catalogVersion: number;
  /** Decimal text: the value does not fit a double. */
  systemIdentifier: string;
  state: ClusterState;
  /** Start of the latest checkpoint record; for a clean shutdown, the last record in the WAL. */
  checkpointLsn: Lsn;
  redoLsn: Lsn;
  redoWalFile: string | undefined;
  /** Timeline of the latest checkpoint; lags behind a promotion until the next checkpoint. */
  timeline: number;
  prevTimeline: number;
  /** 0/0 when no minimum applies (a primary, or a standby that never needed one). */
  minRecoveryLsn: Lsn;
  /** 0 when no minimum applies. */
  minRecoveryTimeline: number;
  walLevel: string;
  walLogHints: boolean;
  fullPageWrites: boolean;
  /** 0: no data checksums. */
  dataChecksumVersion: number;
  walSegmentSize: number;
  fields: Readonly<Record<string, string>>;
}

const LABELS = {
  pgControlVersion: 'pg_control version number',
  catalogVersion: 'Catalog version number',
  systemIdentifier: 'Database system identifier',
  state: 'Database cluster state',
  checkpointLsn: 'Latest checkpoint location',
  redoLsn: "Latest checkpoint's REDO location",
  redoWalFile: "Latest checkpoint's REDO WAL file",
  timeline: "Latest checkpoint's TimeLineID",
  prevTimeline: "Latest checkpoint's PrevTimeLineID",
  fullPageWrites: "Latest checkpoint's full_page_writes",
  minRecoveryLsn: 'Minimum recovery ending location',
  minRecoveryTimeline: "Min recovery ending loc's timeline",
  walLevel: 'wal_level setting',
  walLogHints: 'wal_log_hints setting',
  dataChecksumVersion: 'Data page checksum version',
  walSegmentSize: 'Bytes per WAL segment',
} as const;

/** Splits `Label:   value` lines; labels keep their case, values are trimmed. */
export const controlDataFields = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    // Labels contain no ':' except "oldestCommitTsXid:0" style lines with no space after the colon.
    const m = /^([^:]+):\s*(.*)$/.exec(line.trimEnd());
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
};

const fail = (why: string): SyntaxError => new SyntaxError(`Cannot parse pg_controldata output: ${why}`);

/** Parses the text of `pg_controldata -D <pgdata>` (C locale); throws SyntaxError naming the bad field. */
export const parseControlData = (text: string): ControlData => {
  const fields = controlDataFields(text);
  const get = (label: string): string => {
    const v = fields[label];
    if (v === undefined) throw fail(`no ${quoteValue(label)} line (is LC_ALL=C set?)`);
    return v;
  };
  const int = (label: string): number => {
    const v = get(label);
    if (!/^\d+$/.test(v)) throw fail(`${quoteValue(label)} is ${quoteValue(v)}, not a number`);
    return Number(v);
  };
  const lsn = (label: string): Lsn => {
    const v = get(label);
    if (!isLsnText(v)) throw fail(`${quoteValue(label)} is ${quoteValue(v)}, not an LSN`);
    return parseLsn(v);
  };
  const onOff = (label: string): boolean => {
    const v = get(label);
    if (v !== 'on' && v !== 'off') throw fail(`${quoteValue(label)} is ${quoteValue(v)}, not on/off`);
    return v === 'on';
  };
  const state = get(LABELS.state);
  if (!(CLUSTER_STATES as readonly string[]).includes(state)) throw fail(`unknown Database cluster state ${quoteValue(state)}`);
  return {
    pgControlVersion: int(LABELS.pgControlVersion),
    catalogVersion: int(LABELS.catalogVersion),
    systemIdentifier: get(LABELS.systemIdentifier),
    state: state as ClusterState,
    checkpointLsn: lsn(LABELS.checkpointLsn),
    redoLsn: lsn(LABELS.redoLsn),
    redoWalFile: fields[LABELS.redoWalFile],
    timeline: int(LABELS.timeline),
    prevTimeline: int(LABELS.prevTimeline),
    minRecoveryLsn: lsn(LABELS.minRecoveryLsn),
    minRecoveryTimeline: int(LABELS.minRecoveryTimeline),
    walLevel: get(LABELS.walLevel),
    walLogHints: onOff(LABELS.walLogHints),
    fullPageWrites: onOff(LABELS.fullPageWrites),
    dataChecksumVersion: int(LABELS.dataChecksumVersion),
    walSegmentSize: int(LABELS.walSegmentSize),
    fields,
  };
};

/** Why pg_rewind cannot work on this data directory, or undefined when it can. */
export const rewindBlocker = (cd: ControlData): string | undefined => {
  if (!cd.fullPageWrites) return 'full_page_writes is off, pg_rewind needs it on';
  if (!cd.walLogHints && cd.dataChecksumVersion === 0) {
    return 'neither wal_log_hints nor data checksums are on, pg_rewind needs one of them (set wal_log_hints = on and restart)';
  }
  return undefined;
};

/** Whether the state means the last shutdown completed (as primary or as standby). */
export const isCleanShutdown = (state: ClusterState): boolean => state === 'shut down' || state === 'shut down in recovery';
