// heartbeat's admin tools on top of the pgbeat daemon: `pgbeat cl_status ...`, `pgbeat hb_standby
// [all|foreign|local|failback]`, `pgbeat hb_takeover [...]` (also installed as executables of those
// names where heartbeat is not installed: scripts/admin/). Arguments are heartbeat's, not yargs'.
// Leading `--config-dir DIR` and `--socket PATH` (or PGBEAT_CONFIG_DIR / PGBEAT_SOCKET) pick the cluster.
import { PGBEAT_VERSION } from '../../version.ts';
import { clStatus, CL_EXIT, CL_STATUS_SUBS, type ClusterView } from '../admin/cl-status.ts';
import { hbRequest, type HbTool } from '../admin/hb-request.ts';
import { DEFAULT_CONFIG_DIR, loadClusterConfig, localNodeName } from '../config/io/load-config.ts';
import { formatProblem } from '../config/problem.ts';
import type { StatusReport } from '../core/status.ts';
import { askControl, CONTROL_SOCKET } from './control-socket.ts';

/** The tools answered here. */
export const ADMIN_TOOLS = ['cl_status', 'hb_standby', 'hb_takeover'] as const;

/** Seconds hb_standby and hb_takeover wait for the outcome (heartbeat's return at once; see README). */
const MOVE_WAIT_S = 30;

const leading = (args: readonly string[]): { dir: string; socket: string; rest: string[] } => {
  let dir = process.env['PGBEAT_CONFIG_DIR'] ?? DEFAULT_CONFIG_DIR;
  let socket = process.env['PGBEAT_SOCKET'] ?? CONTROL_SOCKET;
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (args[i] === '--config-dir') dir = args[i + 1]!;
    else if (args[i] === '--socket') socket = args[i + 1]!;
    else break;
  }
  return { dir, socket, rest: args.slice(i) };
};

const statusOrWhy = (socket: string): Promise<StatusReport | null | 'timeout'> =>
  askControl(socket, { command: 'status' }, 5000).then((r) => r as StatusReport, (e: unknown) => (/within \d+ ms/.test((e as Error).message) ? 'timeout' : null));

/** Runs one admin tool with heartbeat's arguments; returns its exit code. */
export const runAdminTool = async (tool: typeof ADMIN_TOOLS[number], argv: readonly string[]): Promise<number> => {
  const { dir, socket, rest } = leading(argv);
  if (tool === 'cl_status' && (rest.length === 0 || rest[0] === 'hbstatus' || CL_STATUS_SUBS[rest[0]!] === undefined)) {
    // Usage, an unknown sub-command and hbstatus need no configuration (heartbeat's do not either).
    const status = rest[0] !== 'hbstatus' ? null : await statusOrWhy(socket);
    const nodes = status === null || status === 'timeout' ? [] : [status.node, status.peer.name];
    const a = clStatus(rest, { nodes, ping: [], groups: [], parameters: {}, version: PGBEAT_VERSION, status });
    process.stdout.write(a.stdout);
    process.stderr.write(a.stderr);
    return a.code;
  }
  const { config, problems } = await loadClusterConfig(dir, null);
  if (!config) {
    for (const p of problems) if (p.severity === 'error') process.stderr.write(`${formatProblem(p)}\n`);
    return tool === 'cl_status' ? CL_EXIT.unknown : 1;
  }
  const groups = config.groups.map((g) => ({ key: g.key, preferredNode: g.preferredNode }));
  if (tool === 'cl_status') {
    const needsDaemon = rest.length > 0 && rest[0] !== '-h' && rest[0] !== 'hbparameter';
    const view: ClusterView = {
      nodes: config.nodes, ping: config.ping, groups, version: PGBEAT_VERSION,
      parameters: Object.fromEntries(Object.entries(config.haEnv).map(([k, v]) => [k.replace(/^HA_/, ''), v])),
      status: needsDaemon ? await statusOrWhy(socket) : null,
    };
    const a = clStatus(rest, view);
    process.stdout.write(a.stdout);
    process.stderr.write(a.stderr);
    return a.code;
  }
  const req = hbRequest(tool as HbTool, rest, await localNodeName(dir), groups);
  if (req.kind === 'usage') { process.stderr.write(req.stderr); return req.code; }
  if (req.kind === 'nothing') { console.log(req.sentence); return 0; }
  if (req.note) console.log(req.note);
  try {
    const a = await askControl(socket, { command: req.command, waitMs: MOVE_WAIT_S * 1000 }, MOVE_WAIT_S * 1000 + 5000) as { outcome?: string; error?: string };
    if (a.error) throw new Error(a.error);
    console.log(a.outcome);
    return 0;
  } catch (e) {
    console.error(`${tool}: ${(e as Error).message}`);
    return 1;
  }
};
