// Where a pg_waldump read of a stopped instance's pg_wal should stop: at the end of the last segment
// file of the timeline that is there. Without an end, pg_waldump that reaches a segment switch (a
// base backup's, say) waits for the next file: it retries a missing segment for 5 s before failing
// (measured: 5.07 s per call, twice per standby start).
import { parseWalFileName, type Lsn } from './lsn.ts';

/** The end of the newest segment of `timeline` among the pg_wal `names`, if it lies past `start`. */
export const walReadLimit = (names: readonly string[], timeline: number, start: Lsn, segmentSize: bigint): Lsn | undefined => {
  let end: Lsn | undefined;
  for (const name of names) {
    if (!/^[0-9A-F]{24}$/.test(name)) continue;
    const id = parseWalFileName(name, segmentSize);
    if (id.timeline !== timeline) continue;
    const segEnd = id.start + segmentSize;
    if (end === undefined || segEnd > end) end = segEnd;
  }
  return end !== undefined && end > start ? end : undefined;
};
