// The discard reports the postgresql agent writes in a node's report_dir before it rewinds (or
// re-clones) a diverged instance: pgbeat-postgresql-<instance>-discarded-<time>.txt (rejoin-plan.ts).
import type { Bed } from './bed.ts';
import { REPORT_DIR } from './node.ts';
import type { NodeName } from './topology.ts';

/** A discard report's file name, with the instance and the time stamp. */
export const DISCARD_REPORT_NAME = /^pgbeat-postgresql-(.+)-discarded-(\d{4}-\d\d-\d\dT[\d-]+Z)\.txt$/;

/** The discard report names among a directory listing (one name a line), in listing order. */
export const discardReportsIn = (listing: string): string[] => listing.split('\n').map((l) => l.trim()).filter((f) => DISCARD_REPORT_NAME.test(f));

/** The discard reports in `node`'s report_dir (names). */
export const discardReports = (bed: Bed, node: NodeName): string[] =>
  discardReportsIn(bed.nodes[node].run(['sh', '-c', `ls ${REPORT_DIR}/ 2>/dev/null`], { timeoutMs: 5_000 }).stdout);

/** One discard report's text ('' when it cannot be read). */
export const readDiscardReport = (bed: Bed, node: NodeName, name: string): string => {
  if (!DISCARD_REPORT_NAME.test(name)) throw new Error(`not a discard report name: ${name}`);
  const r = bed.nodes[node].run(['cat', `${REPORT_DIR}/${name}`], { timeoutMs: 5_000 });
  return r.status === 0 ? r.stdout : '';
};
