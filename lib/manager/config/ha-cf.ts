// ha.cf as heartbeat v1 reads it (heartbeat/config.c parse_config), plus pgbeat's own directives
// (witness, fence, monitor_interval, action_timeout). Directives apply in file order, so udpport and
// baud must come before the media lines that use them. Every problem names its line.
import { parseIp } from '../../net/address.ts';
import type { ClusterConfig, MediumConfig } from './cluster-config.ts';
import { ProblemList, type ConfigProblem } from './problem.ts';
import { parseHbTime } from './time-value.ts';

/** What ha.cf sets: the ClusterConfig fields that do not come from haresources or authkeys. */
export type HaCfSettings = Omit<ClusterConfig, 'localNode' | 'groups' | 'auth'> & {
  /** Line of each fence directive, to report a fence for a node that is not listed. */
  fenceLines: Record<string, number>;
};

/** The actions `action_timeout` accepts and their defaults (ms); `fence` bounds the fence command. */
export const DEFAULT_ACTION_TIMEOUTS_MS: Readonly<Record<string, number>> = {
  start: 60_000, stop: 60_000, monitor: 20_000, promote: 60_000, demote: 60_000, notify: 20_000, fence: 30_000,
};
/** Default interval of the full resource monitor (pgbeat's `monitor_interval`). */
export const DEFAULT_MONITOR_INTERVAL_MS = 10_000;
/** heartbeat's defaults: keepalive 1 s, deadtime 30 s, udpport 694, baud 19200. */
export const HB_DEFAULTS = { keepaliveMs: 1000, deadtimeMs: 30_000, udpport: 694, baud: 19_200 } as const;

const BAUDS = new Set([9600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800]);
const FACILITIES = new Set([
  'none', 'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]);
const TRUE_WORDS = new Set(['true', 'on', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', 'n', '0']);

/** Directives heartbeat knows that change nothing pgbeat does: accepted with a notice. */
const HARMLESS: Readonly<Record<string, string>> = {
  use_logd: 'pgbeat logs itself (logfile, debugfile, logfacility)',
  compression: 'pgbeat packets are small and never compressed',
  compression_threshold: 'pgbeat packets are small and never compressed',
  traditional_compression: 'pgbeat packets are small and never compressed',
  realtime: 'pgbeat does not change its scheduling class',
  rtprio: 'pgbeat does not change its scheduling class',
  coredumps: 'pgbeat does not manage core dumps',
  coreroot: 'pgbeat does not manage core dumps',
  hopfudge: 'pgbeat does not forward packets',
  msgfmt: 'pgbeat has its own packet format',
  hbgenmethod: 'pgbeat keeps its generation in /var/lib/pgbeat/generation',
  uuidfrom: 'pgbeat names nodes by their node name',
  debug: 'use debugfile for debug output',
  max_rexmit_delay: 'pgbeat does not retransmit heartbeats (every message goes out on every medium)',
  conn_logd_time: 'pgbeat does not use logd',
  log_badpack: 'pgbeat counts dropped packets per cause',
  apiauth: 'pgbeat has no heartbeat client API',
  deadping: 'ping nodes do not arbitrate in pgbeat',
  ping_group: 'ping nodes do not arbitrate in pgbeat',
  nice_failback: 'obsolete; auto_failback decides (heartbeat applies legacy after it)',
};

/** Directives that would change behaviour pgbeat does not have: errors, with what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  stonith: 'use pgbeat\'s `fence <node> <command...>` instead',
  stonith_host: 'use pgbeat\'s `fence <node> <command...>` instead',
  watchdog: 'pgbeat has no watchdog device support',
  failfast: 'pgbeat does not supervise API clients',
  env: 'pgbeat does not set extra environment for resource scripts',
  bcast6: 'pgbeat heartbeats are IPv4 only',
  mcast6: 'pgbeat heartbeats are IPv4 only',
  ucast6: 'pgbeat heartbeats are IPv4 only',
};

/** Splits an option-list directive's values on blanks and commas, as heartbeat does. */
const optionValues = (rest: string): string[] => rest.split(/[\s,]+/).filter((t) => t !== '');
/** Splits a whole-line directive's arguments on blanks only. */
const words = (rest: string): string[] => rest.split(/\s+/).filter((t) => t !== '');

const isDeviceName = (s: string): boolean => /^[A-Za-z0-9_.:@-]{1,15}$/.test(s);
const isHostName = (s: string): boolean => /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(s);
// A node name as uname -n may print it; at most 64 characters, the longest a packet carries.
const isNodeName = (s: string): boolean => /^[a-z0-9_][a-z0-9_.-]{0,63}$/.test(s);
const parsePort = (s: string): number | undefined => {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65_535 ? n : undefined;
};

/** Parses ha.cf text; `file` names it in problems. Defaults and cross-checks are applied at the end. */
export const parseHaCf = (text: string, file: string): { settings: HaCfSettings; problems: ConfigProblem[] } => {
  const p = new ProblemList(file);
  const nodes: string[] = [];
  const media: MediumConfig[] = [];
  const ping: string[] = [];
  const fence: Record<string, string> = {};
  const fenceLines: Record<string, number> = {};
  const actionTimeoutsMs: Record<string, number> = { ...DEFAULT_ACTION_TIMEOUTS_MS };
  const haEnv: Record<string, string> = {};
  const times: Record<string, number> = {};
  let udpport: number = HB_DEFAULTS.udpport;
  let baud: number = HB_DEFAULTS.baud;
  let baudLine = 0;
  let firstSerialLine = 0;
  let firstUdpMediumLine = 0;
  let autoFailback: 'on' | 'off' | 'legacy' | undefined;
  let cluster = 'pgbeat';
  let monitorIntervalMs = DEFAULT_MONITOR_INTERVAL_MS;
  let maxRestarts: number | undefined;
  let witness: { host: string; port: number } | undefined;
  let logfacility: string | undefined;
  let logfile: string | undefined;
  let debugfile: string | undefined;

  const timeValue = (line: number, name: string, values: string[]): number | undefined => {
    if (values.length !== 1) {
      p.error(line, `${name} takes one time value (a number of seconds, or with ms/us stuck to it: 500ms), got ${values.length}`);
      return undefined;
    }
    const ms = parseHbTime(values[0]!);
    if (ms === undefined) {
      p.error(line, `${name} ${JSON.stringify(values[0])} is not a time: give seconds (2, 1.5) or milliseconds (500ms); heartbeat rejects "s" and other units`);
      return undefined;
    }
    if (ms <= 0) {
      p.error(line, `${name} must be greater than 0`);
      return undefined;
    }
    return ms;
  };

  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/\r/g, '').replace(/#.*$/, '').trim();
    if (body === '') return;
    const m = /^(\S+)\s*(.*)$/.exec(body)!;
    const name = m[1]!;
    const rest = m[2]!;
    const values = optionValues(rest);
    if (name !== name.toLowerCase()) {
      p.error(line, `directive "${name}" must be written in lowercase (heartbeat: Illegal directive)`);
      return;
    }
    if (['node', 'keepalive', 'deadtime', 'warntime', 'initdead', 'udpport', 'baud', 'auto_failback',
      'logfacility', 'logfile', 'debugfile'].includes(name)) {
      haEnv[`HA_${name}`] = rest;
    }
    switch (name) {
      case 'node': {
        if (values.length === 0) p.error(line, 'node needs at least one node name');
        for (const v of values) {
          const n = v.toLowerCase();
          if (!isNodeName(n)) p.error(line, `node name ${JSON.stringify(v)} is not a node name (letters, digits, _ . -, at most 64)`);
          else if (nodes.includes(n)) p.notice(line, `node ${n} is listed twice`);
          else nodes.push(n);
        }
        return;
      }
      case 'keepalive': case 'deadtime': case 'warntime': case 'initdead': {
        const ms = timeValue(line, name, values);
        if (ms !== undefined) times[name] = ms;
        times[`${name}Line`] = line;
        return;
      }
      case 'udpport': {
        const port = values.length === 1 ? parsePort(values[0]!) : undefined;
        if (port === undefined) p.error(line, `udpport must be one port number 1-65535, got ${JSON.stringify(rest)}`);
        else {
          if (firstUdpMediumLine) p.notice(line, `udpport comes after the bcast/ucast line ${firstUdpMediumLine}, which keep the port in effect there (${udpport}), as in heartbeat`);
          udpport = port;
        }
        return;
      }
      case 'bcast': case 'udp': {
        if (name === 'udp') p.notice(line, 'udp is the old name of bcast');
        if (values.length === 0) p.error(line, `${name} needs at least one interface`);
        for (const dev of values) {
          if (!isDeviceName(dev)) p.error(line, `${name} interface ${JSON.stringify(dev)} is not an interface name`);
          else media.push({ kind: 'bcast', dev, port: udpport, at: `${file}:${line}` });
        }
        firstUdpMediumLine ||= line;
        return;
      }
      case 'mcast': {
        const w = words(rest);
        if (w.length !== 5) {
          p.error(line, `mcast takes 5 fields: mcast <dev> <group> <port> <ttl> <loop>, got ${w.length}`);
          return;
        }
        const [dev, group, portText, ttlText, loopText] = w as [string, string, string, string, string];
        const g = parseIp(group);
        const port = parsePort(portText);
        let ok = true;
        if (!isDeviceName(dev)) { p.error(line, `mcast interface ${JSON.stringify(dev)} is not an interface name`); ok = false; }
        if (!g || g.family !== 4 || g.bytes[0]! < 224 || g.bytes[0]! > 239) { p.error(line, `mcast group ${JSON.stringify(group)} is not an IPv4 multicast address (224.0.0.0-239.255.255.255)`); ok = false; }
        if (port === undefined) { p.error(line, `mcast port ${JSON.stringify(portText)} is not a port number 1-65535`); ok = false; }
        if (!/^[0-4]$/.test(ttlText)) { p.error(line, `mcast ttl ${JSON.stringify(ttlText)} must be 0-4 (heartbeat rejects more)`); ok = false; }
        if (loopText !== '0' && loopText !== '1') { p.error(line, `mcast loop ${JSON.stringify(loopText)} must be 0 or 1`); ok = false; }
        if (ok) media.push({ kind: 'mcast', dev, group: g!.text, port: port!, ttl: Number(ttlText), loop: loopText === '1', at: `${file}:${line}` });
        return;
      }
      case 'ucast': {
        const w = words(rest);
        if (w.length !== 2) {
          p.error(line, `ucast takes 2 fields: ucast <dev> <peer address>, got ${w.length} (repeat the line for more peers)`);
          return;
        }
        const [dev, peer] = w as [string, string];
        const a = parseIp(peer);
        if (!isDeviceName(dev)) p.error(line, `ucast interface ${JSON.stringify(dev)} is not an interface name`);
        else if (a && a.family !== 4) p.error(line, `ucast peer ${peer} is IPv6; pgbeat heartbeats are IPv4 only`);
        else if (!a && (/^[\d.]+$/.test(peer) || !isHostName(peer))) p.error(line, `ucast peer ${JSON.stringify(peer)} is not an IPv4 address or host name`);
        else media.push({ kind: 'ucast', dev, peer: a ? a.text : peer, port: udpport, at: `${file}:${line}` });
        firstUdpMediumLine ||= line;
        return;
      }
      case 'serial': {
        if (values.length === 0) p.error(line, 'serial needs at least one tty');
        for (const device of values) {
          if (!device.startsWith('/')) p.error(line, `serial device ${JSON.stringify(device)} must be an absolute path such as /dev/ttyS0`);
          else media.push({ kind: 'serial', device, baud, at: `${file}:${line}` });
        }
        firstSerialLine ||= line;
        return;
      }
      case 'baud': {
        const n = values.length === 1 && /^\d+$/.test(values[0]!) ? Number(values[0]) : undefined;
        if (baudLine) p.error(line, `baud is given twice (first at line ${baudLine}); heartbeat allows it once`);
        else if (firstSerialLine) p.error(line, `baud must come before the serial line ${firstSerialLine}, which already uses ${baud}`);
        else if (n === undefined || !BAUDS.has(n)) p.error(line, `baud ${JSON.stringify(rest)} is not one of ${[...BAUDS].join(', ')}`);
        else baud = n;
        baudLine = line;
        return;
      }
      case 'auto_failback': {
        const v = values.length === 1 ? values[0]!.toLowerCase() : '';
        if (v === 'legacy') autoFailback = 'legacy';
        else if (TRUE_WORDS.has(v)) autoFailback = 'on';
        else if (FALSE_WORDS.has(v)) autoFailback = 'off';
        else p.error(line, `auto_failback ${JSON.stringify(rest)} must be on, off or legacy`);
        return;
      }
      case 'ping': {
        if (values.length === 0) p.error(line, 'ping needs at least one address');
        for (const v of values) {
          const a = parseIp(v);
          if (!a) p.error(line, `ping address ${JSON.stringify(v)} is not an IP address`);
          else ping.push(a.text);
        }
        p.notice(line, 'ping nodes are kept for status only: both sides of a partition can see them, so they do not arbitrate (see witness)');
        return;
      }
      case 'logfacility': {
        const v = values[0] ?? '';
        if (values.length !== 1 || !FACILITIES.has(v)) p.error(line, `logfacility ${JSON.stringify(rest)} is not a syslog facility (daemon, local0-local7, ...) or none`);
        else logfacility = v;
        return;
      }
      case 'logfile': case 'debugfile': {
        if (!rest.startsWith('/') || /\s/.test(rest)) {
          p.error(line, `${name} must be one absolute path, got ${JSON.stringify(rest)}`);
          return;
        }
        if (name === 'logfile') logfile = rest;
        else debugfile = rest;
        return;
      }
      case 'crm': case 'pacemaker': {
        const v = values.length === 1 ? values[0]!.toLowerCase() : '';
        if (FALSE_WORDS.has(v)) return;
        p.error(line, `"${name} ${rest}" hands resources to Pacemaker (not heartbeat v1): pgbeat manages haresources itself; remove the line, or run Pacemaker with the pgbeat agents instead`);
        return;
      }
      case 'autojoin': {
        if (values.length === 1 && values[0] === 'none') return;
        p.error(line, `autojoin ${rest} conflicts with v1 resource management (heartbeat refuses it too): the nodes are the ones listed`);
        return;
      }
      case 'respawn': {
        const w = words(rest);
        if (w[1] && /\/ipfail$/.test(w[1])) p.notice(line, 'respawn of ipfail is ignored: pgbeat tracks links itself, and ping nodes do not arbitrate');
        else p.error(line, 'respawn is not supported: pgbeat does not start API clients; run the program as its own service');
        return;
      }
      case 'cluster': {
        if (values.length !== 1 || !/^[A-Za-z0-9_.-]{1,64}$/.test(values[0]!)) p.error(line, `cluster takes one name (letters, digits, _ . -), got ${JSON.stringify(rest)}`);
        else cluster = values[0]!;
        return;
      }
      // pgbeat's own directives.
      case 'witness': {
        const w = words(rest);
        const mm = w.length === 1 ? /^([^:\s]+)(?::(\d+))?$/.exec(w[0]!) : null;
        const port = mm?.[2] === undefined ? udpport : parsePort(mm[2]);
        if (!mm || port === undefined || (!parseIp(mm[1]!) && (!isHostName(mm[1]!) || /^[\d.]+$/.test(mm[1]!)))) {
          p.error(line, `witness takes one host[:port] (IPv4 address or host name), got ${JSON.stringify(rest)}`);
        } else if (witness) p.error(line, 'witness is given twice; pgbeat uses one witness');
        else witness = { host: parseIp(mm[1]!)?.text ?? mm[1]!, port };
        return;
      }
      case 'fence': {
        const mm = /^(\S+)\s+(.+)$/.exec(rest);
        if (!mm) {
          p.error(line, 'fence takes a node and a command: fence <node> <command...>');
          return;
        }
        const node = mm[1]!.toLowerCase();
        if (fence[node] !== undefined) p.error(line, `fence for ${node} is given twice (first at line ${fenceLines[node]})`);
        else {
          fence[node] = mm[2]!;
          fenceLines[node] = line;
        }
        return;
      }
      case 'monitor_interval': {
        const ms = timeValue(line, name, values);
        if (ms !== undefined) monitorIntervalMs = ms;
        return;
      }
      case 'max_restarts': {
        if (values.length !== 1 || !/^\d{1,3}$/.test(values[0]!)) {
          p.error(line, `max_restarts takes a whole number from 0 to 999, got ${JSON.stringify(rest)}`);
          return;
        }
        maxRestarts = Number(values[0]);
        return;
      }
      case 'action_timeout': {
        const [action, value, ...extra] = values;
        if (!action || !value || extra.length > 0) {
          p.error(line, 'action_timeout takes an action and a time: action_timeout <start|stop|monitor|promote|demote|notify|fence> <time>');
          return;
        }
        if (DEFAULT_ACTION_TIMEOUTS_MS[action] === undefined) {
          p.error(line, `action_timeout: unknown action ${JSON.stringify(action)} (start, stop, monitor, promote, demote, notify, fence)`);
          return;
        }
        const ms = timeValue(line, `action_timeout ${action}`, [value]);
        if (ms !== undefined) actionTimeoutsMs[action] = ms;
        return;
      }
      default: {
        if (HARMLESS[name] !== undefined) p.notice(line, `${name} is ignored: ${HARMLESS[name]}`);
        else if (UNSUPPORTED[name] !== undefined) p.error(line, `${name} is not supported: ${UNSUPPORTED[name]}`);
        else p.error(line, `unknown directive "${name}" (heartbeat: Illegal directive)`);
      }
    }
  });

  // Defaults and cross-checks, as heartbeat applies them once the file is read.
  const keepaliveMs = times['keepalive'] ?? HB_DEFAULTS.keepaliveMs;
  const deadtimeMs = times['deadtime'] ?? HB_DEFAULTS.deadtimeMs;
  const warntimeMs = times['warntime'] ?? Math.floor(deadtimeMs / 2);
  const initdeadMs = times['initdead']
    ?? (deadtimeMs > 10_000 ? deadtimeMs : deadtimeMs < 6000 ? 12_000 : 2 * deadtimeMs);
  const dl = times['deadtimeLine'] ?? times['keepaliveLine'] ?? 0;
  if (deadtimeMs <= 2 * keepaliveMs) {
    p.error(dl, `deadtime (${deadtimeMs} ms) must be more than twice keepalive (${keepaliveMs} ms)`);
  }
  if (times['warntime'] !== undefined && warntimeMs >= deadtimeMs) {
    p.notice(times['warntimeLine']!, `warntime (${warntimeMs} ms) is not below deadtime (${deadtimeMs} ms): late heartbeats are reported only after the peer is declared dead`);
  }
  if (times['initdead'] !== undefined) {
    const il = times['initdeadLine']!;
    if (initdeadMs < deadtimeMs) p.error(il, `initdead (${initdeadMs} ms) must be at least deadtime (${deadtimeMs} ms)`);
    else if (initdeadMs < 2 * deadtimeMs) p.notice(il, `initdead (${initdeadMs} ms) is under twice deadtime (${deadtimeMs} ms), as heartbeat recommends: a slow boot may see its peer as dead`);
    else if (initdeadMs < 10_000) p.notice(il, `initdead (${initdeadMs} ms) is under 10 s: a slow boot may see its peer as dead (heartbeat warns too)`);
  }
  if (nodes.length !== 2) {
    p.error(0, nodes.length === 0
      ? 'no node listed: name both nodes (node <name> <name>), as uname -n prints them'
      : `pgbeat manages exactly two nodes; ha.cf lists ${nodes.length} (${nodes.join(', ')})`);
  }
  if (media.length === 0) p.error(0, 'no heartbeat media defined: add bcast, mcast, ucast or serial');
  for (const [node, at] of Object.entries(fenceLines)) {
    if (!nodes.includes(node)) p.error(at, `fence names ${node}, which is not a node of ha.cf`);
  }
  if (autoFailback === undefined) {
    p.notice(0, 'auto_failback is not set: legacy applies, as in heartbeat (set on or off)');
  }
  haEnv['HA_keepalive'] ??= `${keepaliveMs}ms`;
  haEnv['HA_deadtime'] ??= `${deadtimeMs}ms`;
  haEnv['HA_warntime'] ??= `${warntimeMs}ms`;
  haEnv['HA_initdead'] ??= `${initdeadMs}ms`;
  haEnv['HA_udpport'] ??= String(udpport);
  haEnv['HA_auto_failback'] ??= autoFailback ?? 'legacy';
  haEnv['HA_node'] = nodes.join(' ');

  return {
    settings: {
      nodes, cluster, keepaliveMs, warntimeMs, deadtimeMs, initdeadMs, udpport, media,
      autoFailback: autoFailback ?? 'legacy', ping, logfacility, logfile, debugfile, witness, fence, fenceLines,
      monitorIntervalMs, maxRestarts, actionTimeoutsMs, haEnv,
    },
    problems: p.items,
  };
};
