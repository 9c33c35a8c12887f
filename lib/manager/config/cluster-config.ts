// The manager's whole configuration once ha.cf, haresources and authkeys are parsed and checked:
// the one shape the core, the media and the resource side read. Times are milliseconds.

/** One heartbeat medium as configured in ha.cf (every message goes out on every medium). `at`: where it was written ("ha.cf:12"). */
export type MediumConfig =
  | { kind: 'bcast'; dev: string; port: number; at?: string | undefined }
  | { kind: 'mcast'; dev: string; group: string; port: number; ttl: number; loop: boolean; at?: string | undefined }
  | { kind: 'ucast'; dev: string; peer: string; port: number; at?: string | undefined }
  | { kind: 'serial'; device: string; baud: number; at?: string | undefined };

/** One resource of a haresources group, as the manager will run it (always as an executable). */
export type ResourceSpec =
  /** `Name::a1::a2` or a bare IP (IPaddr::ip): a v1 script from resource.d, then init.d. */
  | { kind: 'v1'; name: string; args: string[]; text: string }
  /** `ocf:provider:type::name=value::...`: an OCF agent under $OCF_ROOT/resource.d/provider/type. */
  | { kind: 'ocf'; provider: string; type: string; params: Record<string, string>; text: string };

/** A haresources line: the group's key is its first resource's text, as heartbeat names it. */
export interface GroupConfig {
  key: string;
  preferredNode: string;
  resources: ResourceSpec[];
  /** Where it was written, for messages ("haresources:12"). */
  at: string;
}

/** An authkeys method: HMAC-SHA256 (pgbeat's default), HMAC-SHA1, HMAC-MD5, or a bare CRC (no security). */
export type AuthMethod = 'sha256' | 'sha1' | 'md5' | 'crc';

/** One authkeys line `N method [key]` (crc has no key: empty string). */
export interface AuthKey {
  index: number;
  method: AuthMethod;
  key: string;
}

/** Authentication from authkeys: the active key (`auth N`) signs; every listed key verifies (key roll). */
export interface AuthConfig {
  index: number;
  method: AuthMethod;
  key: string;
  /** Every configured key by index, the active one included. */
  keys: AuthKey[];
}

/** Everything the manager reads at start. */
export interface ClusterConfig {
  /** Both node names (uname -n form, lowercased), in ha.cf order. */
  nodes: string[];
  /** This node's name when the loader was given one (the witness host is not a node). */
  localNode?: string | undefined;
  /** Cluster name (ha.cf `cluster`, default "pgbeat"): packets of another cluster are dropped. */
  cluster: string;
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  udpport: number;
  media: MediumConfig[];
  autoFailback: 'on' | 'off' | 'legacy';
  /** Ping nodes (kept for compatibility; see README on why they do not arbitrate). */
  ping: string[];
  logfacility?: string | undefined;
  logfile?: string | undefined;
  debugfile?: string | undefined;
  /** Optional witness host:port (pgbeat's own directive). */
  witness?: { host: string; port: number } | undefined;
  /** Fence command per peer node (pgbeat's own directive, like heartbeat's stonith_host). */
  fence: Record<string, string>;
  /** Interval of the full resource monitor. */
  monitorIntervalMs: number;
  /** Restarts in place before failing over (`max_restarts`; default 3). */
  maxRestarts?: number | undefined;
  /** Timeouts by action name (start, stop, monitor, promote, demote, notify) and of the fence command (fence). */
  actionTimeoutsMs: Record<string, number>;
  groups: GroupConfig[];
  auth: AuthConfig;
  /** `HA_<directive>` values for v1 scripts, as heartbeat exports them (literal ha.cf text or default). */
  haEnv: Record<string, string>;
}
