// The wal_archive method's pure parts: which WAL files of the source to ship into the archive, whether
// the archive has a gap since its restore point (a segment recycled before it was shipped), and which
// archived segments the restore point no longer needs (as pg_archivecleanup decides: by segment number,
// whatever the timeline; history files are always kept).

import { parseWalFileName } from '../pg/lsn.ts';

const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{16})$/;
const HISTORY = /^[0-9A-F]{8}\.history$/;

/** The timeline and the segment number part (log + seg, 16 hex digits) of a segment file name. */
const parts = (name: string): { tli: number; seg: string } | undefined => {
  const m = SEGMENT.exec(name);
  return m ? { tli: Number.parseInt(m[1]!, 16), seg: m[2]! } : undefined;
};

/** What a run ships and whether the archive can go on from its restore point. */
export interface ShipPlan {
  /** Complete segments and history files to copy, oldest first. */
  ship: string[];
  /** Set when a segment the restore point needs is neither archived nor on the source any more. */
  gap: string | undefined;
}

/**
 * Plans a run: every complete segment (before the one being written, `current`) at or after the restore
 * point's first needed segment (`oldestNeeded`) and every history file, not yet archived.
 */
export const planShipping = (sourceFiles: readonly string[], current: string, oldestNeeded: string, archived: ReadonlySet<string>, segmentSize: bigint): ShipPlan => {
  const cur = parts(current);
  const from = parts(oldestNeeded);
  if (!cur || !from) throw new SyntaxError(`Cannot plan WAL shipping: '${current}' or '${oldestNeeded}' is not a WAL segment name`);
  const complete = sourceFiles.filter((f) => {
    const p = parts(f);
    return p !== undefined && p.seg >= from.seg && (p.seg < cur.seg || (p.seg === cur.seg && p.tli < cur.tli));
  });
  const ship = [...complete.filter((f) => !archived.has(f)), ...sourceFiles.filter((f) => HISTORY.test(f) && !archived.has(f))].sort();
  // Every segment number from the restore point's to the current one must be somewhere.
  const segno = (name: string): bigint => parseWalFileName(name, segmentSize).start / segmentSize;
  const have = new Set([...complete, ...archived].filter((f) => SEGMENT.test(f)).map(segno));
  let gap: string | undefined;
  for (let n = segno(oldestNeeded); n < segno(current); n++) {
    if (!have.has(n)) {
      gap = `${current.slice(0, 8)}${(n * segmentSize / 0x100000000n).toString(16).toUpperCase().padStart(8, '0')}${(n % (0x100000000n / segmentSize)).toString(16).toUpperCase().padStart(8, '0')}`;
      break;
    }
  }
  return { ship, gap };
};

/** Archived segments older than the restore point's first needed one: safe to remove. */
export const segmentsToRemove = (archived: readonly string[], oldestNeeded: string): string[] => {
  const from = parts(oldestNeeded);
  if (!from) throw new SyntaxError(`Cannot clean the archive: '${oldestNeeded}' is not a WAL segment name`);
  return archived.filter((f) => {
    const p = parts(f);
    return p !== undefined && p.seg < from.seg;
  }).sort();
};

/** Whether the run takes a new restore point: none yet, the archive has a gap, or the last is too old. */
export const needsNewBase = (o: { hasBase: boolean; gap: string | undefined; baseAgeS: number; baseInterval: number }): string | undefined => {
  if (!o.hasBase) return 'no restore point yet';
  if (o.gap !== undefined) return `segment ${o.gap} was recycled on the source before it was shipped`;
  if (o.baseAgeS >= o.baseInterval) return `the restore point is ${Math.round(o.baseAgeS)} s old (base_interval=${o.baseInterval})`;
  return undefined;
};
