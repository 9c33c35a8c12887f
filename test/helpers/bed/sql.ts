// psql on a node over its own socket, as postgres (bounded), for setup and checks.
import { join } from 'node:path';
import { PG_BINDIR } from '../pg.ts';
import { SOCKET_DIR, type BedNode } from './node.ts';

/** psql's argv for one statement (unaligned, tuples only, stop on error). */
export const psqlArgv = (text: string): string[] =>
  ['runuser', '-u', 'postgres', '--', join(PG_BINDIR, 'psql'), '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', SOCKET_DIR, '-p', '5432', '-d', 'postgres', '-c', text];

/** Runs `text` on `node`; throws with psql's words on failure. */
export const sql = (node: BedNode, text: string, timeoutMs = 20_000): string => {
  const r = node.run(psqlArgv(text), { timeoutMs });
  if (r.status !== 0) throw new Error(`psql on ${node.name} failed (${r.status}): ${r.out.trim()}`);
  return r.stdout.trim();
};

/** Like sql() but undefined on failure. */
export const trySql = (node: BedNode, text: string, timeoutMs = 5_000): string | undefined => {
  try {
    return node.running() ? sql(node, text, timeoutMs) : undefined;
  } catch {
    return undefined;
  }
};

/** 't' (standby), 'f' (primary) or undefined (not answering). */
export const inRecovery = (node: BedNode): string | undefined => trySql(node, 'SELECT pg_is_in_recovery()');

/** Whether `primary` reports `standby` as a streaming standby. */
export const streamsFrom = (primary: BedNode, standby: string): boolean =>
  trySql(primary, `SELECT state FROM pg_stat_replication WHERE application_name = '${standby}'`) === 'streaming';
