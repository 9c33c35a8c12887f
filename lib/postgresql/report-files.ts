// Names of the files the agent keeps in report_dir: the server log and the copies of older ones.

// The same characters the state directory allows (an instance may carry ':' or '/' in v1 form).
const safe = (text: string): string => text.replace(/[^A-Za-z0-9_.:-]/g, '_');

const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

/** The server log pg_ctl -l appends to (one per instance, kept across starts). */
export const serverLogName = (instance: string): string => `pgbeat-postgresql-${safe(instance)}-server.log`;

/** The name a server log found inside pgdata (where older versions kept it) is moved to. */
export const movedServerLogName = (instance: string, at: Date): string => `pgbeat-postgresql-${safe(instance)}-server-from-pgdata-${stamp(at)}.log`;

/** The server log's name inside pgdata in older versions (pg_rewind overwrote it with the source's copy). */
export const LEGACY_SERVER_LOG = 'pgbeat-server.log';
