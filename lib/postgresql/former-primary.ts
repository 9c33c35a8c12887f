// "This node was the primary of its current timeline and shut down cleanly": every commit
// acknowledged on that timeline is in its WAL. A promotable start of a cleanly stopped primary
// records it (a fresh cluster's first start, or a whole-cluster restart); it holds while the node
// stays on that timeline of that database cluster. It lets such a node be promoted without being
// known as a synchronous standby, and gives it a bootstrap promotion score when no primary runs.
import type { Lsn } from '../pg/lsn.ts';
import { formatLsn, parseLsn } from '../pg/lsn.ts';

/** What the record says. */
export interface FormerPrimary {
  systemId: string;
  timeline: number;
  /** Its shutdown checkpoint: the last record it wrote. */
  lsn: Lsn;
}

/** The state file text for the record. */
export const encodeFormerPrimary = (f: FormerPrimary): string =>
  `${JSON.stringify({ system_identifier: f.systemId, timeline: f.timeline, shutdown_checkpoint: formatLsn(f.lsn) })}\n`;

/** The record, or undefined when the text is absent or malformed. */
export const decodeFormerPrimary = (text: string | undefined): FormerPrimary | undefined => {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as { system_identifier?: unknown; timeline?: unknown; shutdown_checkpoint?: unknown };
    if (typeof o.system_identifier !== 'string' || typeof o.timeline !== 'number' || typeof o.shutdown_checkpoint !== 'string') return undefined;
    return { systemId: o.system_identifier, timeline: o.timeline, lsn: parseLsn(o.shutdown_checkpoint) };
  } catch {
    return undefined;
  }
};

/** Whether the record still describes this data directory: same database cluster, same timeline. */
export const formerPrimaryHolds = (f: FormerPrimary | undefined, now: { systemId: string; timeline: number }): boolean =>
  f !== undefined && f.systemId === now.systemId && f.timeline === now.timeline;

/** Promotion score a former primary gives itself while no primary runs: below any a primary publishes, newer timelines first. */
export const bootstrapScore = (timeline: number): number => Math.min(Math.max(timeline, 1), 900);
