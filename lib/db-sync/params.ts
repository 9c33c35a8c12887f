// The db_sync agent's parameters (the names the issue fixes, plus transport and state options) and the
// heartbeat v1 argument form `db_sync source_host target_dir [name=value ...] start`.
import { defineParams, parseParams, type ParamValues } from '../ocf/schema.ts';
import { OcfError } from '../ocf/ocf-error.ts';
import { OCF_ERR_CONFIGURED } from '../ocf/exit-codes.ts';

/** How a copy is made. */
export type SyncMethod = 'basebackup' | 'rsync' | 'pg_dump' | 'pg_dumpall' | 'wal_archive';

/** Every method name the agent knows, in the order they were built. */
export const METHODS: readonly SyncMethod[] = ['basebackup', 'rsync', 'pg_dump', 'pg_dumpall', 'wal_archive'];

/** Methods that restore logical dumps into a running target server (instead of copying files). */
export const isDumpMethod = (m: SyncMethod): boolean => m === 'pg_dump' || m === 'pg_dumpall';

const absolutePath = (v: string): string | undefined => (v.startsWith('/') ? undefined : 'must be an absolute path');

/** Parameter declarations, in meta-data order. */
export const syncSchema = defineParams({
  method: {
    type: 'string', default: 'basebackup',
    shortdesc: 'How the copy is made',
    longdesc: 'basebackup: pg_basebackup of the source into a fresh directory, switched in when complete. rsync: a consistent file copy (pg_backup_start/pg_backup_stop in one session, rsync of the data directory without the files a base backup leaves out, then the backup label and the WAL up to consistency), incremental against the previous copy. pg_dump: each database dumped (custom format, large objects included) and restored with pg_restore --clean --if-exists in one transaction into the running server at target_host/target_port, so a failed restore leaves the previous contents. pg_dumpall: the same plus roles and tablespaces (pg_dumpall --globals-only). wal_archive: a restore point (pg_basebackup into target_dir, set up as a warm standby reading the archive) renewed every base_interval, and every completed WAL segment shipped into archive_dir at each run; segments older than the restore point are removed.',
    check: (v) => ((METHODS as readonly string[]).includes(v) ? undefined : `unknown method, use one of ${METHODS.join(', ')}`),
  },
  source_host: {
    type: 'string', required: true,
    shortdesc: 'The primary to copy from',
    longdesc: 'Host name, address or unix socket directory of the source PostgreSQL server (normally the virtual IP that follows the primary). A copy is made only when this server is a primary.',
  },
  source_port: {
    type: 'integer', default: 5432, min: 1, max: 65535,
    shortdesc: 'Port of the source server',
    longdesc: 'PostgreSQL port of the source server.',
  },
  source_user: {
    type: 'string', default: 'postgres',
    shortdesc: 'User on the source server',
    longdesc: 'Database user for the copy: needs REPLICATION (basebackup), and pg_backup_start/pg_backup_stop plus a temporary replication slot (rsync); a password comes from the system user\'s ~/.pgpass or source_passfile.',
  },
  source_passfile: {
    type: 'string',
    shortdesc: 'libpq password file',
    longdesc: 'A .pgpass-format file readable by system_user with the source_user\'s password. Empty: trust, peer or ~/.pgpass.',
    check: absolutePath,
  },
  target_dir: {
    type: 'string', required: true, unique: true,
    shortdesc: 'Data directory of the copy on this node',
    longdesc: 'Where the copy lives: a data directory PostgreSQL can start from. New copies are built beside it (target_dir.db_sync-new) and switched in when complete; the previous copy stays usable until then.',
    check: absolutePath,
  },
  target_host: {
    type: 'string', default: '/var/run/postgresql',
    shortdesc: 'Target server for pg_dump and pg_dumpall',
    longdesc: 'Socket directory or host of the running server the dump methods restore into (its data directory is target_dir, whose control file proves it is not the source cluster).',
  },
  target_port: {
    type: 'integer', default: 5432, min: 1, max: 65535,
    shortdesc: 'Target server port',
    longdesc: 'Port of the server the dump methods restore into.',
  },
  target_user: {
    type: 'string', default: 'postgres',
    shortdesc: 'User on the target server',
    longdesc: 'A superuser of the target server (it creates databases and roles).',
  },
  databases: {
    type: 'string',
    shortdesc: 'Databases the dump methods copy',
    longdesc: 'Space- or comma-separated database names. Empty: every database of the source that accepts connections, templates excepted.',
    check: (v) => (/^[\w$ ,-]*$/.test(v) ? undefined : 'use database names made of letters, digits, _ $ -, separated by spaces or commas'),
  },
  archive_dir: {
    type: 'string',
    shortdesc: 'WAL archive directory (wal_archive)',
    longdesc: 'Where wal_archive ships the WAL segments. Empty: target_dir.wal beside the restore point.',
    check: absolutePath,
  },
  base_interval: {
    type: 'integer', default: 86_400, min: 0,
    shortdesc: 'Seconds between restore points (wal_archive)',
    longdesc: 'wal_archive takes a new restore point (base backup) when the last one is this old, and then removes the archived segments the new one does not need. 0: at every run.',
  },
  bindir: {
    type: 'string', default: '/usr/lib/postgresql/15/bin',
    shortdesc: 'Directory of the PostgreSQL binaries',
    longdesc: 'Where pg_basebackup, pg_controldata and pg_ctl live.',
    check: absolutePath,
  },
  system_user: {
    type: 'string', default: 'postgres',
    shortdesc: 'System user owning the copy',
    longdesc: 'The operating system user that owns target_dir and would run PostgreSQL on it.',
  },
  interval: {
    type: 'integer', default: 300, min: 0, max: 86_400 * 7,
    shortdesc: 'Seconds between syncs',
    longdesc: 'The supervisor that start launches runs a sync this often (measured from the start of one run to the next). 0: no supervisor; start only does the pull_on_start pull (use cron and `db_sync run` then).',
  },
  max_age: {
    type: 'integer', default: 900, min: 0,
    shortdesc: 'Oldest acceptable copy, in seconds',
    longdesc: 'monitor fails when the last good copy is older than this (0: never). A copy with a running postmaster is live, not a copy, and is not aged.',
  },
  pull_on_start: {
    type: 'boolean', default: false,
    shortdesc: 'Pull a fresh copy at start',
    longdesc: 'start first runs one sync (the seed\'s startup pull). When the source is unreachable or not a primary, start keeps the copy it has and says so; when the copy here is newer or of another cluster, start fails and changes nothing.',
  },
  rsync_module: {
    type: 'string',
    shortdesc: 'rsync daemon module of the source data directory',
    longdesc: 'rsync method over the daemon protocol (source_host::module): the module that exports the source\'s data directory. Either this or rsync_ssh_path.',
  },
  rsync_host: {
    type: 'string',
    shortdesc: 'Host of the rsync daemon or ssh',
    longdesc: 'Where rsync reaches the source\'s files. Empty: source_host (which must then be a host, not a socket directory).',
  },
  rsync_port: {
    type: 'integer', default: 873, min: 1, max: 65535,
    shortdesc: 'rsync daemon port',
    longdesc: 'TCP port of the rsync daemon on source_host.',
  },
  rsync_user: {
    type: 'string',
    shortdesc: 'rsync daemon user',
    longdesc: 'User name for the module\'s "auth users" (empty: none).',
  },
  rsync_password_file: {
    type: 'string',
    shortdesc: 'rsync secrets file',
    longdesc: 'File holding the rsync daemon password for rsync_user (passed as --password-file; must not be readable by others).',
    check: absolutePath,
  },
  rsync_ssh_path: {
    type: 'string',
    shortdesc: 'Source data directory over ssh',
    longdesc: 'rsync method over ssh instead of the daemon: the data directory path on source_host (rsync runs `ssh source_host`).',
    check: absolutePath,
  },
  rsync_ssh_command: {
    type: 'string', default: 'ssh -o BatchMode=yes',
    shortdesc: 'ssh command for rsync -e',
    longdesc: 'The remote shell rsync uses with rsync_ssh_path.',
  },
  rsync_bwlimit: {
    type: 'integer', default: 0, min: 0,
    shortdesc: 'Bandwidth limit of the rsync copy, KiB/s',
    longdesc: 'Passed as rsync --bwlimit so a copy does not starve the primary\'s disks or network (0: no limit).',
  },
  state_dir: {
    type: 'string', default: '/var/lib/pgbeat/db_sync',
    shortdesc: 'Where the lock, the state file and the supervisor PID live',
    longdesc: 'Shared by the agent and `db_sync run` from cron, so both use the same lock. Files are named after target_dir.',
    check: absolutePath,
  },
});

/** Typed parameters of the db_sync agent. */
export type SyncParams = Omit<ParamValues<typeof syncSchema>, 'method'> & { method: SyncMethod };

/** Parses OCF_RESKEY_* values; throws OcfError(OCF_ERR_CONFIGURED) on a bad value or combination. */
export const parseSyncParams = (raw: Readonly<Record<string, string | undefined>>): SyncParams => {
  const p = parseParams(syncSchema, raw) as SyncParams;
  if (p.method === 'rsync' && !p.rsync_module && !p.rsync_ssh_path) {
    throw new OcfError(OCF_ERR_CONFIGURED, 'method=rsync needs rsync_module (rsync daemon) or rsync_ssh_path (ssh)');
  }
  if (p.method === 'rsync' && !p.rsync_host && p.source_host.startsWith('/')) {
    throw new OcfError(OCF_ERR_CONFIGURED, `source_host='${p.source_host}' is a socket directory: set rsync_host to where rsync reaches the source's files`);
  }
  if (p.rsync_module && p.rsync_ssh_path) {
    throw new OcfError(OCF_ERR_CONFIGURED, `Set one of rsync_module ('${p.rsync_module}') and rsync_ssh_path ('${p.rsync_ssh_path}'), not both`);
  }
  if (p.max_age > 0 && p.interval > 0 && p.max_age <= p.interval) {
    throw new OcfError(OCF_ERR_CONFIGURED, `max_age=${p.max_age} must be longer than interval=${p.interval}, or every copy would be too old before the next one`);
  }
  return p;
};

/** Maps v1 arguments `source_host target_dir [name=value ...]` onto parameters. */
export const syncFromV1Args = (args: readonly string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  const slots = ['source_host', 'target_dir'];
  for (const a of args) {
    const named = /^([a-z_]+)=(.*)$/.exec(a);
    if (named && named[1]! in syncSchema) out[named[1]!] = named[2]!;
    else {
      const slot = slots.shift();
      if (slot) out[slot] = a;
    }
  }
  return out;
};

/** v1 instance name: `db_sync_<target_dir>`. */
export const syncV1Instance = (raw: Readonly<Record<string, string>>): string =>
  `db_sync_${(raw['target_dir'] ?? '').replace(/\//g, '_').replace(/^_+/, '')}`;
