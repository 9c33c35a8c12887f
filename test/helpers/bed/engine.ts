// The seam between the bed and a cluster manager: the same trials run with heartbeat 3.0.6, Pacemaker
// or pgbeat behind it. An engine boots the nodes its own way and knows its own switchover command.
import type { Ledger } from './ledger.ts';
import type { BedNode } from './node.ts';
import type { SerialLine } from './serial.ts';
import type { NodeName, Topology } from './topology.ts';

/** What exists before an engine runs: network, PostgreSQL directories, serial line. */
export interface BedBase {
  ledger: Ledger;
  /** The bed's own temp directory (logs, client records, pictures, engine state). */
  base: string;
  topology: Topology;
  /** Per node: the host directory each node sees at LAB_DIR. */
  labDirs: Record<NodeName, string>;
  serial: SerialLine;
}

/** A cluster manager the bed can run. */
export interface Engine {
  /** Short name for reports ("heartbeat 3.0.6", "pgbeat"). */
  name: string;
  /** The postgresql resource's sync_mode under this engine. */
  syncMode: 'off' | 'fallback' | 'strict';
  /** Makes the (not yet started) nodes; their first processes are recorded in bed.ledger when they start. */
  makeNodes(bed: BedBase): Record<NodeName, BedNode>;
  /** Starts the cluster; resolves when castor is the primary holding the VIP (pollux need not be a standby yet). */
  up(bed: BedBase, nodes: Record<NodeName, BedNode>): Promise<void>;
  /** Makes the node without the group a streaming standby where the engine does not (heartbeat v1). */
  standby(bed: BedBase, nodes: Record<NodeName, BedNode>, name: NodeName): Promise<void>;
  /** Graceful switchover away from `from` with the engine's own command; resolves once the command returned. */
  switchover(bed: BedBase, nodes: Record<NodeName, BedNode>, from: NodeName): Promise<void>;
  /** Host files of the engine's logs whose lines start with an ISO time, by host (castor, pollux, witness), for the timeline. */
  logFiles?(bed: BedBase): Record<string, string>;
  /** Engine-specific lines explaining the state (failure messages). */
  diagnose(nodes: Record<NodeName, BedNode>): string;
}
