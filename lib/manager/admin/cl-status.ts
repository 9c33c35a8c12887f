// heartbeat's `cl_status`, answered from the pgbeat daemon's status report and the configuration:
// the same sub-commands, options (getopt style, anywhere after the sub-command), output (one bare
// value per line; -m for sentences) and exit codes (0 ok, 1 "fail", 11 parameter error, 12 timeout,
// 13 unknown error) as heartbeat 3.0.6. Pure: the CLI asks the daemon and prints the answer.
import type { StatusReport } from '../core/status.ts';
import { linkDevice } from '../metrics/manager-metrics.ts';

/** cl_status's exit codes. */
export const CL_EXIT = { ok: 0, fail: 1, parameter: 11, timeout: 12, unknown: 13 } as const;

/** What cl_status prints and returns. */
export interface AdminAnswer {
  stdout: string;
  stderr: string;
  code: number;
}

/** What cl_status knows: the configuration, and the daemon's report (null: no daemon; 'timeout': no answer in time). */
export interface ClusterView {
  nodes: readonly string[];
  ping: readonly string[];
  /** Raw ha.cf values by directive name (heartbeat's HA_<name> environment). */
  parameters: Readonly<Record<string, string>>;
  groups: readonly { key: string; preferredNode: string }[];
  version: string;
  status: StatusReport | null | 'timeout';
}

/** The sub-commands answered (getopt option letters of each). */
export const CL_STATUS_SUBS: Readonly<Record<string, { opts: string; daemon: boolean }>> = {
  hbstatus: { opts: 'mv', daemon: false },
  listnodes: { opts: 'mpnv', daemon: true },
  nodestatus: { opts: 'm', daemon: true },
  nodetype: { opts: 'm', daemon: true },
  listhblinks: { opts: 'mv', daemon: true },
  hblinkstatus: { opts: 'm', daemon: true },
  clientstatus: { opts: 'm', daemon: true },
  rscstatus: { opts: 'm', daemon: true },
  hbparameter: { opts: 'mp:', daemon: false },
};

/** The usage text (no arguments, or -h). */
export const CL_STATUS_USAGE = [
  'Usage: cl_status <sub-command> [<options>] [<parameters>]',
  '',
  'Sub-commands (answered by the pgbeat daemon):',
  'hbstatus [-v]                      whether the manager runs on this machine',
  'listnodes [-p|-n] [-v]             the nodes (-p ping nodes only, -n normal nodes only)',
  'nodestatus <node>                  active, dead or ping',
  'nodetype <node>                    normal or ping',
  'listhblinks <node> [-v]            the heartbeat links (-v with their status)',
  'hblinkstatus <node> <link>         up or dead',
  'clientstatus <node> <client> [ms]  always offline (pgbeat has no API clients)',
  'rscstatus                          none, local, foreign, all, or transition',
  'hbparameter -p <name>              an ha.cf value as written',
  'Every sub-command takes -m (sentences for people instead of bare values).',
  '',
].join('\n');

const out = (stdout: string, code: number = CL_EXIT.ok): AdminAnswer => ({ stdout, stderr: '', code });
const err = (stderr: string, code: number): AdminAnswer => ({ stdout: '', stderr: `${stderr}\n`, code });

/** getopt(3) with GNU permutation: options anywhere, `x:` takes an argument, `--` ends options. */
export const getopt = (args: readonly string[], spec: string): { flags: Map<string, string>; operands: string[] } | string => {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { operands.push(...args.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { operands.push(a); continue; }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ':') return `invalid option -- '${c}'`;
      if (spec[at + 1] !== ':') { flags.set(c, ''); continue; }
      const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      if (value === undefined) return `option requires an argument -- '${c}'`;
      flags.set(c, value);
      break;
    }
  }
  return { flags, operands };
};

/** A node's status as heartbeat names it: this node active, the peer active or dead, a ping node ping. */
const nodeStatus = (v: ClusterView, s: StatusReport, node: string): string | null => {
  if (node === s.node) return 'active';
  if (node === s.peer.name) return s.peer.alive ? 'active' : 'dead';
  if (v.ping.includes(node)) return 'ping';
  return null;
};

/** The links of a node by heartbeat's name (interface or device), each up when any medium on it is. */
const linksOf = (s: StatusReport, node: string): Map<string, boolean> => {
  const links = new Map<string, boolean>();
  for (const l of s.links) {
    const name = linkDevice(l.name);
    // This node's own links count as up while the daemon runs (heartbeat too shows a node's own links up, or dead for mcast).
    links.set(name, (links.get(name) ?? false) || node === s.node || l.up);
  }
  return links;
};

/** heartbeat's rscstatus: none, local (this node's preferred groups), foreign (the peer's), all (both), transition. */
export const resourceStatus = (v: Pick<ClusterView, 'groups'>, s: StatusReport): string => {
  if (s.op !== null && /^(take|release|follow|stop)\b/.test(s.op)) return 'transition';
  if (!s.holding) return 'none';
  const mine = v.groups.some((g) => g.preferredNode === s.node);
  const theirs = v.groups.some((g) => g.preferredNode !== s.node);
  return mine && theirs ? 'all' : theirs ? 'foreign' : 'local';
};

const listNodes = (v: ClusterView, s: StatusReport, only: 'normal' | 'ping' | null, verbose: boolean, human: boolean): string => {
  const rows = [...v.nodes.map((n) => [n, 'normal'] as const), ...v.ping.map((n) => [n, 'ping'] as const)].filter(([, t]) => only === null || t === only);
  const lines = human ? ['The nodes are as follow:'] : [];
  for (const [n, type] of rows) {
    if (!verbose) { lines.push(n); continue; }
    lines.push('', `${n}\t${nodeStatus(v, s, n) ?? 'dead'}\t(nodetype: ${type})`);
    if (type === 'normal') for (const [l, up] of linksOf(s, n)) lines.push(`\t${l}\t${up ? 'up' : 'dead'}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
};

/** Answers `cl_status <args>`. */
export const clStatus = (args: readonly string[], v: ClusterView): AdminAnswer => {
  if (args.length === 0 || (args.length === 1 && args[0] === '-h')) return out(CL_STATUS_USAGE);
  const sub = args[0]!;
  const def = CL_STATUS_SUBS[sub];
  if (def === undefined) return err(`cl_status: ${sub}: invalid sub-command.`, CL_EXIT.parameter);
  const parsed = getopt(args.slice(1), def.opts);
  if (typeof parsed === 'string') return err(`cl_status: ${parsed}`, CL_EXIT.parameter);
  const { flags, operands } = parsed;
  const human = flags.has('m');
  const s = v.status;
  if (sub === 'hbstatus') {
    if (s === null) return out('Heartbeat is stopped on this machine.\n', CL_EXIT.fail);
    if (s === 'timeout') return out('Heartbeat is apparently running on this machine, but refuses my connection\n');
    if (!flags.has('v')) return out('Heartbeat is running on this machine.\n');
    const head = human ? `Heartbeat version ${v.version} (pgbeat)\nResources controlled by "haresources"\n` : `version:\t${v.version} (pgbeat)\nmanaged by:\t"haresources"\n`;
    return out(head + listNodes(v, s, null, true, false));
  }
  if (sub === 'hbparameter') {
    const name = flags.get('p');
    if (name === undefined) return err('cl_status: parameter name required', CL_EXIT.parameter);
    const value = v.parameters[name];
    if (value === undefined) return err(`cl_status: Cannot get parameter ${name}'s value`, CL_EXIT.fail);
    return out(human ? `Heartbeat parameter ${name}'s value: ${value}\n` : `${value}\n`);
  }
  if (s === 'timeout') return err('cl_status: no answer from the pgbeat daemon in time', CL_EXIT.timeout);
  if (s === null) return err('cl_status: Cannot signon with heartbeat (no pgbeat daemon answers on its control socket)', CL_EXIT.fail);
  const need = (n: number, message: string): AdminAnswer | null => (operands.length < n ? err(message, CL_EXIT.parameter) : null);
  switch (sub) {
    case 'listnodes': {
      const only = flags.has('p') && !flags.has('n') ? 'ping' : flags.has('n') && !flags.has('p') ? 'normal' : null;
      return out(listNodes(v, s, only, flags.has('v'), human));
    }
    case 'nodestatus': {
      const missing = need(1, 'Not enough parameters.');
      if (missing) return missing;
      const node = operands[0]!;
      const st = nodeStatus(v, s, node);
      if (st === null) return err('Error. May be due to incorrect node name', CL_EXIT.parameter);
      return out(human ? `The cluster node ${node} is ${st}\n` : `${st}\n`, st === 'dead' ? CL_EXIT.fail : CL_EXIT.ok);
    }
    case 'nodetype': {
      const missing = need(1, 'No enough parameter.');
      if (missing) return missing;
      const node = operands[0]!;
      const type = v.nodes.includes(node) ? 'normal' : v.ping.includes(node) ? 'ping' : null;
      if (type === null) return err('Error. May be due to incorrect node name', CL_EXIT.parameter);
      return out(human ? `The node ${node}'s type: ${type}\n` : `${type}\n`);
    }
    case 'listhblinks': {
      const missing = need(1, 'No enough parameter.');
      if (missing) return missing;
      const node = operands[0]!;
      if (!v.nodes.includes(node)) return err('cl_status: Cannot start heartbeat link interface walk.', CL_EXIT.unknown);
      const lines = human ? ['\tthis node has the following heartbeat links:'] : [];
      for (const [l, up] of linksOf(s, node)) lines.push(flags.has('v') ? `\t${l}\t${up ? 'up' : 'dead'}` : `\t${l}`);
      return out(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    }
    case 'hblinkstatus': {
      const missing = need(2, 'No enough parameter.');
      if (missing) return missing;
      const [node, link] = operands as [string, string];
      const links = v.nodes.includes(node) ? linksOf(s, node) : new Map<string, boolean>();
      const full = s.links.find((l) => l.name === link);
      const up = full !== undefined ? (node === s.node || full.up) : links.get(link);
      if (up === undefined) return err('cl_status: Cannot get heartbeat link status', CL_EXIT.unknown);
      const st = up ? 'up' : 'dead';
      return out(human ? `The node ${node}'s heartbeat link ${link} is ${st}\n` : `${st}\n`, up ? CL_EXIT.ok : CL_EXIT.fail);
    }
    case 'clientstatus': {
      const missing = need(2, 'No enough parameter.');
      if (missing) return missing;
      return out('offline\n', CL_EXIT.fail);
    }
    case 'rscstatus': {
      const r = resourceStatus(v, s);
      return out(human ? `This node is holding ${r} resources.\n` : `${r}\n`);
    }
  }
  return err(`cl_status: ${sub}: invalid sub-command.`, CL_EXIT.parameter);
};
