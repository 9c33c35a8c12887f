// What the bed needs of a cluster node, whichever engine boots it, and the paths every node shares:
// each node sees its own PostgreSQL directory at LAB_DIR (a per-node host directory bind-mounted in
// the node's private mount namespace), its socket directory in its private /run, its serial end at
// SERIAL_DEVICE.
import type { Run } from '../lab-node.ts';
import type { NodeName } from './topology.ts';

/** Inside every node: the lab directory (data/, log/ for the agent's reports and server log). */
export const LAB_DIR = '/var/lib/pgbeat-lab';
/** The data directory inside every node. */
export const PGDATA = `${LAB_DIR}/data`;
/** The agent's report_dir inside every node (outside pgdata). */
export const REPORT_DIR = `${LAB_DIR}/log`;
/** unix_socket_directories inside every node (in its private /run). */
export const SOCKET_DIR = '/var/run/pgbeat-lab';
/** A file outside pgdata (so a clone does not copy it) naming the node to PostgreSQL. */
export const NODE_CONF = `${LAB_DIR}/bed-node.conf`;

/** A cluster node as the bed drives it. */
export interface BedNode {
  name: NodeName;
  /** Its network namespace. */
  ns: string;
  /** Host PID of the node's first process while it runs. */
  init(): number | undefined;
  running(): boolean;
  /** Boots the node (its engine's daemons included). */
  start(): Promise<void>;
  /** Power loss: SIGKILL of the node's first process (the kernel ends the rest), waited for. */
  kill(): Promise<void>;
  /** Runs a command in all of the node's namespaces (bounded). */
  run(argv: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Run;
  /**
   * Takes over a node booted by another process (the lab's later commands): `init` is its first
   * process, `startTime` that process's start time (ledger.ts).
   */
  adopt?(init: number, startTime: string): void;
  /** The engine's logs, last `lines` lines, for failure messages. */
  logs(lines?: number): string;
}
