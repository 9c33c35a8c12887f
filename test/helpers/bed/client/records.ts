// The JSON lines the bed's client processes write: one per write attempt (the writer through the
// VIP) and one per probe round (a prober on one node's own address). Times are ms since the epoch
// (Date.now() on the same host, so they compare across processes).

/** One write the writer attempted: acknowledged (ack, node) or failed (failed, error). */
export interface WriteRecord {
  seq: number;
  /** When the write was started (connect included when one was needed). */
  sent: number;
  /** When COMMIT returned (the row was acknowledged). */
  ack?: number;
  /** The node that acknowledged it (its pgbeat_bed.node setting). */
  node?: string;
  /** When the attempt was given up. */
  failed?: number;
  error?: string;
}

/** One probe round on one node: is it out of recovery, and does it acknowledge a write? */
export interface ProbeRecord {
  node: string;
  sent: number;
  /** When pg_is_in_recovery() answered, and what. */
  seen?: number;
  inRecovery?: boolean;
  /** When the probe INSERT was acknowledged (only tried when not in recovery). */
  ack?: number;
  /** When the round failed, and why (connection refused, timeout, read-only...). */
  failed?: number;
  error?: string;
}

/** Parses a JSON-lines file's text, skipping a torn last line. */
export const parseJsonLines = <T>(text: string): T[] =>
  text.split('\n').filter((l) => l.trim() !== '').flatMap((l) => {
    try {
      return [JSON.parse(l) as T];
    } catch {
      return [];
    }
  });
