// The bed's pgbeat configuration (pure): ha.cf, haresources, authkeys and nodeinfo for one node (or
// the witness host). Heartbeats every 100 ms on every medium (deadtime 500 ms, as the README's
// example): ucast on the heartbeat link and on the service LAN, and the serial line; the witness on
// the service LAN. The postgresql resource comes first in the group and the VIP after it: the manager
// promotes before the address comes up (clients never reach a standby through it) and, stopping right
// to left, takes the address away before it stops PostgreSQL; standbys stream from whichever peer
// accepts writes (peers=), so they need no VIP.
import { REPORT_DIR, PGDATA, SOCKET_DIR, LAB_DIR } from '../node.ts';
import { SERIAL_DEVICE } from '../serial.ts';
import { ADDR, NIC, NODE_NAMES, type NodeName } from '../topology.ts';

/** Timing, media and safety settings of the bed's pgbeat. */
export interface PgbeatConfigOptions {
  keepalive?: string;
  warntime?: string;
  deadtime?: string;
  initdead?: string;
  /** Heartbeat over the serial line too (default true). */
  serial?: boolean;
  /** Use the witness on the service LAN (default true). */
  witness?: boolean;
  /** The postgresql resource's sync_mode (default strict: no acknowledged commit without the standby). */
  syncMode?: 'off' | 'fallback' | 'strict';
  /** Full monitor interval. */
  monitorInterval?: string;
  /** Shared HMAC key (authkeys sha256). */
  key?: string;
  /** Give the postgresql resource primary_host=VIP (default true; false: peers alone, as the README's example). */
  primaryHost?: boolean;
}

/** UDP port of the heartbeats and of the witness. */
export const PGBEAT_PORT = 694;
/** The pgbeat log inside each node (the node's own lab directory). */
export const PGBEAT_LOG = `${LAB_DIR}/log/pgbeat.log`;

/** The postgresql resource as an OCF token of haresources. */
export const pgbeatPgResource = (syncMode: string, primaryHost = true): string => [
  'ocf:pgbeat:postgresql', `pgdata=${PGDATA}`, `pghost=${SOCKET_DIR}`,
  `peers=${NODE_NAMES.map((n) => `${n}=${ADDR.service[n]}`).join(',')}`, ...(primaryHost ? [`primary_host=${ADDR.vip}`] : []),
  'repuser=replicator', `sync_mode=${syncMode}`, `report_dir=${REPORT_DIR}`,
].join('::');

/** The VIP as an OCF token of haresources. */
export const pgbeatVipResource = (): string =>
  ['ocf:pgbeat:IPaddr', `ip=${ADDR.vip}`, `cidr_netmask=${ADDR.prefix}`, `nic=${NIC.service}`].join('::');

/** The three files (plus nodeinfo) for `host`: a node, or 'witness'. */
export const pgbeatConfig = (host: NodeName | 'witness', o: PgbeatConfigOptions = {}): Record<'ha.cf' | 'haresources' | 'authkeys' | 'nodeinfo', string> => {
  const haCf = [
    '# pgbeat bed (test/helpers/bed/engines/pgbeat-config.ts)',
    'cluster pgbeat-bed',
    `udpport ${PGBEAT_PORT}`,
    `keepalive ${o.keepalive ?? '100ms'}`,
    `warntime ${o.warntime ?? '250ms'}`,
    `deadtime ${o.deadtime ?? '500ms'}`,
    `initdead ${o.initdead ?? '10'}`,
    ...NODE_NAMES.map((n) => `ucast ${NIC.heartbeat} ${ADDR.heartbeat[n]}`),
    ...NODE_NAMES.map((n) => `ucast ${NIC.service} ${ADDR.service[n]}`),
    ...(o.serial ?? true ? ['baud 115200', `serial ${SERIAL_DEVICE}`] : []),
    ...(o.witness ?? true ? [`witness ${ADDR.service.witness}:${PGBEAT_PORT}`] : []),
    `monitor_interval ${o.monitorInterval ?? '2'}`,
    'auto_failback off',
    'logfacility none',
    `logfile ${PGBEAT_LOG}`,
    `node ${NODE_NAMES.join(' ')}`,
    '',
  ].join('\n');
  const haresources = [
    '# pgbeat bed: the database first (promoted before the address comes up), then the VIP',
    `castor ${pgbeatPgResource(o.syncMode ?? 'strict', o.primaryHost ?? true)} ${pgbeatVipResource()}`,
    '',
  ].join('\n');
  const authkeys = `auth 1\n1 sha256 ${o.key ?? 'pgbeat-bed-shared-key'}\n`;
  return { 'ha.cf': haCf, haresources, authkeys, nodeinfo: host === 'witness' ? '' : `${host}\n` };
};
