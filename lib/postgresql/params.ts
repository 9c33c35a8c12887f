// The postgresql agent's parameters (PAF names where PAF has one) and the heartbeat v1 argument form.
import { quoteValue } from '../ocf/quote.ts';
import { hostOrSocketProblem } from '../net/host-name.ts';
import { defineParams, parseParams, type ParamValues } from '../ocf/schema.ts';
import { OcfError } from '../ocf/ocf-error.ts';
import { OCF_ERR_CONFIGURED } from '../ocf/exit-codes.ts';

/** How the agent is run: as a promotable clone, or as a primitive that means "the primary runs here". */
export type RunMode = 'auto' | 'promotable' | 'primitive';

/** What the primary does about synchronous replication. */
export type SyncMode = 'off' | 'fallback' | 'strict';

/** What a primitive's stop leaves behind. */
export type StopAs = 'standby' | 'stopped';

const oneOf = (values: readonly string[]) => (v: string): string | undefined =>
  values.includes(v) ? undefined : `use one of ${values.join(', ')}`;

const absolutePath = (v: string): string | undefined => (v.startsWith('/') ? undefined : 'must be an absolute path');

/** Parameter declarations, in meta-data order. */
export const pgSchema = defineParams({
  pgdata: {
    type: 'string', required: true, unique: true,
    shortdesc: 'Data directory',
    longdesc: 'The PostgreSQL data directory (PGDATA) of this instance.',
    check: absolutePath,
  },
  bindir: {
    type: 'string',
    shortdesc: 'Directory of the PostgreSQL binaries',
    longdesc: 'Where pg_ctl, pg_controldata, pg_basebackup, pg_rewind and pg_waldump live. Empty: /usr/lib/postgresql/<major>/bin for the major version in PG_VERSION, else pg_config --bindir, else PATH.',
  },
  system_user: {
    type: 'string', default: 'postgres',
    shortdesc: 'System user owning the instance',
    longdesc: 'The operating system user that owns pgdata and runs PostgreSQL; the agent runs as root and drops to it.',
  },
  pghost: {
    type: 'string', default: '/var/run/postgresql',
    shortdesc: 'Local socket directory or host',
    longdesc: 'How the agent reaches its own instance: a unix socket directory (as unix_socket_directories) or a host name.',
    check: hostOrSocketProblem,
  },
  pgport: {
    type: 'integer', default: 5432, min: 1, max: 65535,
    shortdesc: 'Port',
    longdesc: 'Port of this instance (and of the peers unless a peer gives its own).',
  },
  node_name: {
    type: 'string',
    shortdesc: 'This node\'s name (application_name)',
    longdesc: 'The name this instance uses as application_name when it streams from the primary, and in synchronous_standby_names. Empty: the cluster node name (CRM_meta_on_node) or the host name.',
    check: (v) => (/^[A-Za-z0-9_.-]{1,63}$/.test(v) ? undefined : 'use letters, digits, _ . - (at most 63)'),
  },
  primary_host: {
    type: 'string',
    shortdesc: 'Address standbys stream from',
    longdesc: 'The host standbys put in primary_conninfo when peers is empty: normally the virtual IP that follows the primary. With peers, standbys stream from whichever peer accepts writes instead (primary_host is still tried first when looking for a running primary).',
    check: hostOrSocketProblem,
  },
  primary_port: {
    type: 'integer', min: 1, max: 65535,
    shortdesc: 'Port standbys stream from',
    longdesc: 'Port in primary_conninfo. Empty: pgport.',
  },
  peers: {
    type: 'string',
    shortdesc: 'The other nodes\' PostgreSQL addresses',
    longdesc: 'Space- or comma-separated list of name=host[:port] (or host[:port]) for the other instances. Before starting or promoting as primary the agent asks each peer for its role, timeline and WAL position, and refuses when a peer is primary, on a newer timeline or ahead, or runs but cannot be asked (login refused, pg_hba, too many connections): only a peer where nothing listens (refused, no route, connect timeout) is passed over. This works under every manager, the classic heartbeat included, which has no other channel. Standbys also stream from the peers: primary_conninfo lists every peer but this node with target_session_attrs=read-write, so a standby follows a promotion by itself, without the virtual IP.',
  },
  repuser: {
    type: 'string', default: 'replicator',
    shortdesc: 'Replication user',
    longdesc: 'User standbys connect as (needs REPLICATION). Also used to query peers.',
  },
  repl_passfile: {
    type: 'string',
    shortdesc: 'Password file for replication',
    longdesc: 'A libpq password file (.pgpass format) readable by system_user, put in primary_conninfo as passfile. Empty: none (trust, peer or certificate authentication).',
    check: absolutePath,
  },
  maxlag: {
    type: 'integer', default: 16 * 1024 * 1024, min: 0,
    shortdesc: 'Largest lag (bytes) for automatic promotion',
    longdesc: 'A standby further behind the best known position than this many bytes of WAL is never promoted automatically. 0 accepts any lag (not recommended).',
  },
  sync_mode: {
    type: 'string', default: 'fallback',
    shortdesc: 'Synchronous replication: off, fallback or strict',
    longdesc: 'off: the agent leaves synchronous_standby_names alone. fallback: the primary lists the streaming standbys as FIRST 1 (...) and clears the list when none is left, so writes never hang (a commit may then be acknowledged by the primary alone). strict: the list is never cleared; writes wait until a standby returns. Changes are made with ALTER SYSTEM and a reload.',
    check: oneOf(['off', 'fallback', 'strict']),
  },
  rewind: {
    type: 'boolean', default: true,
    shortdesc: 'Rejoin a diverged old primary with pg_rewind',
    longdesc: 'A former primary whose WAL diverged from the new primary\'s timeline is rewound with pg_rewind before it starts as a standby. The transactions it discards are written to a report in report_dir first. A node on a newer timeline than the primary (promoted later) is never rewound onto it. Needs wal_log_hints=on or data checksums.',
  },
  rebuild: {
    type: 'boolean', default: false,
    shortdesc: 'Re-clone a standby that cannot rejoin',
    longdesc: 'When rewind fails or is off and the data directory cannot follow the primary, move the old data directory aside (renamed, never deleted) and clone a fresh standby with pg_basebackup. An empty data directory is always cloned.',
  },
  replication_slots: {
    type: 'boolean', default: true,
    shortdesc: 'Stream through physical replication slots',
    longdesc: 'Standbys stream through a physical slot named after their node_name; the primary creates one for each peer, so WAL a standby still needs is kept (watch the retained WAL in the state file, or set max_slot_wal_keep_size).',
  },
  archive_dir: {
    type: 'string',
    shortdesc: 'Shared WAL archive directory',
    longdesc: 'Optional WAL archive: the primary archives into it (archive_command), standbys restore from it (restore_command) and trim it with pg_archivecleanup (archive_cleanup_command).',
    check: absolutePath,
  },
  mode: {
    type: 'string', default: 'auto',
    shortdesc: 'promotable, primitive or auto',
    longdesc: 'promotable: start runs a standby; promote and demote change the role (Pacemaker promotable clone, the bundled manager). primitive: started means this node runs the primary (a haresources line, a Pacemaker primitive). auto: promotable when Pacemaker passes the clone\'s promotable meta attributes, primitive otherwise (the heartbeat v1 form is always primitive).',
    check: oneOf(['auto', 'promotable', 'primitive']),
  },
  stop_as: {
    type: 'string', default: 'standby',
    shortdesc: 'What a primitive\'s stop leaves running',
    longdesc: 'Primitive mode only. standby: after the clean shutdown the instance keeps running as a standby of primary_host, so it follows whichever node takes over. stopped: it stays down.',
    check: oneOf(['standby', 'stopped']),
  },
  report_dir: {
    type: 'string', default: '/var/log/pgbeat',
    shortdesc: 'Directory for reports and the server log',
    longdesc: 'Where the agent keeps what explains its actions: the report of the transactions a rejoin discards, and the server log pg_ctl writes (pgbeat-postgresql-<instance>-server.log). It must be outside pgdata and persistent: pg_rewind replaces files in pgdata with the other node\'s copies, a re-clone renames pgdata aside, and HA_RSCTMP (/run) is emptied at boot. Created (mode 0750, owned by the owner of pgdata) when missing.',
    check: absolutePath,
  },
  start_opts: {
    type: 'string',
    shortdesc: 'Extra postgres options',
    longdesc: 'Options passed to postgres through pg_ctl -o, e.g. -c config_file=/etc/postgresql/15/main/postgresql.conf.',
  },
});

type RawPg = ParamValues<typeof pgSchema>;

/** One peer instance the agent may ask about its role and position. */
export interface Peer {
  name: string;
  host: string;
  port: number;
}

/** Validated parameters. */
export interface PgParams extends Omit<RawPg, 'peers' | 'sync_mode' | 'mode' | 'stop_as' | 'primary_port'> {
  peers: Peer[];
  sync_mode: SyncMode;
  mode: RunMode;
  stop_as: StopAs;
  primary_port: number;
}

const configured = (why: string): OcfError => new OcfError(OCF_ERR_CONFIGURED, why);

/** Parses `name=host[:port]` / `host[:port]` items separated by spaces or commas. */
export const parsePeers = (text: string, defaultPort: number): Peer[] =>
  text.split(/[\s,]+/).filter(Boolean).map((item) => {
    const eq = item.indexOf('=');
    const name = eq > 0 ? item.slice(0, eq) : '';
    const addr = eq > 0 ? item.slice(eq + 1) : item;
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(addr);
    if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
      throw configured(`Invalid parameter peers: ${quoteValue(item)} is not name=host[:port]`);
    }
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const why = hostOrSocketProblem(host);
    if (why !== undefined) throw configured(`Invalid parameter peers: ${quoteValue(item)}: the host is ${why}`);
    return { name: name || host, host, port: m[2] === undefined ? defaultPort : Number(m[2]) };
  });

/** Parses and cross-checks OCF_RESKEY_* values; errors name the parameter and the value. */
export const parsePgParams = (raw: Readonly<Record<string, string | undefined>>): PgParams => {
  const p = parseParams(pgSchema, raw);
  const peers = parsePeers(p.peers, p.pgport);
  const under = (dir: string, root: string): boolean => `${dir.replace(/\/+$/, '')}/`.startsWith(`${root.replace(/\/+$/, '')}/`);
  if (under(p.report_dir, p.pgdata)) {
    throw configured(`Invalid parameter report_dir: '${p.report_dir}' is inside pgdata '${p.pgdata}', where a rewind or a re-clone would replace it; use a directory outside it`);
  }
  return {
    ...p,
    peers,
    sync_mode: p.sync_mode as SyncMode,
    mode: p.mode as RunMode,
    stop_as: p.stop_as as StopAs,
    primary_port: p.primary_port ?? p.pgport,
  };
};

/**
 * heartbeat v1 form: `pgbeat-postgresql pgdata [primary_host [peers]] [name=value ...] action`
 * (haresources `pgbeat-postgresql::/var/lib/postgresql/15/main::192.0.2.10::node2=192.0.2.12`).
 * Tokens with `=` before any positional slot is filled name a parameter directly.
 */
export const pgFromV1Args = (args: readonly string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  const slots = ['pgdata', 'primary_host', 'peers'];
  for (const a of args) {
    const named = /^([a-z_]+)=(.*)$/.exec(a);
    if (named && named[1]! in pgSchema) out[named[1]!] = named[2]!;
    else {
      const slot = slots.shift();
      if (slot) out[slot] = a;
    }
  }
  out['mode'] = 'primitive';
  return out;
};

/** v1 instance name: `postgresql_<pgdata>`. */
export const pgV1Instance = (raw: Readonly<Record<string, string>>): string =>
  `postgresql_${(raw['pgdata'] ?? '').replace(/\//g, '_').replace(/^_+/, '')}`;
