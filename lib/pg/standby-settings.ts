// The recovery settings that make an instance a standby (PostgreSQL 12+: GUCs plus standby.signal).

/** What a standby needs to follow the primary. */
export interface StandbyConfig {
  /** libpq conninfo of the primary (renderConninfo), with application_name = this node's name. */
  primaryConninfo: string;
  /** Physical slot on the primary; undefined removes primary_slot_name. */
  slotName?: string | undefined;
  /** restore_command for a shared WAL archive; undefined removes it. */
  restoreCommand?: string | undefined;
  /** archive_cleanup_command (e.g. pg_archivecleanup <dir> %r); undefined removes it. */
  archiveCleanupCommand?: string | undefined;
}

/** The postgresql.auto.conf changes (undefined = remove) for a standby; always follows the latest timeline. */
export const standbySettings = (c: StandbyConfig): Record<string, string | undefined> => ({
  primary_conninfo: c.primaryConninfo,
  primary_slot_name: c.slotName,
  restore_command: c.restoreCommand,
  archive_cleanup_command: c.archiveCleanupCommand,
  recovery_target_timeline: 'latest',
});

/** The file whose presence starts the server as a standby. */
export const STANDBY_SIGNAL = 'standby.signal';

/** Physical slot names allowed by PostgreSQL: lower case letters, digits and underscores, at most 63. */
export const slotNameFor = (nodeName: string): string =>
  nodeName.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);

/** One server a standby may stream from. */
export interface StreamSource {
  host: string;
  port: number;
}

/**
 * libpq's multi-host form for primary_conninfo: the hosts are tried in turn and the first that
 * accepts writes is used (target_session_attrs=read-write; libpq 14+ reads it from the server's
 * in_hot_standby report, replication connections included), so a standby follows whichever node
 * is primary, after a promotion too, without a virtual IP.
 */
export const anyPrimaryOf = (sources: readonly StreamSource[]): { host: string; port: string; target_session_attrs: 'read-write' } => ({
  host: sources.map((s) => s.host).join(','),
  port: sources.map((s) => String(s.port)).join(','),
  target_session_attrs: 'read-write',
});
