// heartbeat 3.0.6 (v1, haresources) as a bed engine, on the node boot of heartbeat-cluster.ts: the
// README's recipe (pgbeat-IPaddr first, then pgbeat-postgresql with peers), heartbeats over ucast on
// the heartbeat link and the service LAN (and the serial line when asked). sync_mode=off: with
// fallback or strict the standby refuses to take over on node loss under heartbeat (README), so this
// is the setup that fails over, and may lose what only the primary acknowledged.
import { HA_NOARCH, makeHbNode } from '../../heartbeat-cluster.ts';
import { HA_RESOURCE_DIR } from '../../install.ts';
import { waitUntil } from '../../lab-node.ts';
import type { BedBase, Engine } from '../engine.ts';
import { LAB_DIR, PGDATA, REPORT_DIR, SOCKET_DIR, type BedNode } from '../node.ts';
import { SERIAL_DEVICE, SERIAL_DIR } from '../serial.ts';
import { inRecovery } from '../sql.ts';
import { ADDR, NIC, NODE_NAMES, type NodeName } from '../topology.ts';

/** heartbeat's v1 script of the postgresql agent. */
export const PG_SCRIPT = `${HA_RESOURCE_DIR}/pgbeat-postgresql`;

/** Timing and media of the heartbeat engine. */
export interface HeartbeatOptions {
  keepalive?: string;
  deadtime?: string;
  warntime?: string;
  initdead?: string;
  /** Also heartbeat over the serial line. */
  serial?: boolean;
  /** Its speed (default 19200, heartbeat's own default). */
  baud?: number;
}

/** The pgbeat-postgresql arguments (v1 form: pgdata, primary_host, peers, then name=value). */
export const hbPgArgs = (syncMode: string): string[] => [
  PGDATA, ADDR.vip, NODE_NAMES.map((n) => `${n}=${ADDR.service[n]}`).join(','), `pghost=${SOCKET_DIR}`,
  'repuser=replicator', `sync_mode=${syncMode}`, `report_dir=${REPORT_DIR}`,
];

/** haresources: castor's group, the VIP first (README). */
export const hbHaresources = (syncMode: string): string =>
  `castor pgbeat-IPaddr::${ADDR.vip}/${ADDR.prefix}/${NIC.service} pgbeat-postgresql::${hbPgArgs(syncMode).join('::')}`;

/** ha.cf lines after heartbeat-cluster.ts's fixed logging lines. */
export const hbHaCf = (o: HeartbeatOptions = {}): string[] => [
  `keepalive ${o.keepalive ?? '200ms'}`, `deadtime ${o.deadtime ?? '1'}`, `warntime ${o.warntime ?? '600ms'}`, `initdead ${o.initdead ?? '10'}`,
  ...NODE_NAMES.map((n) => `ucast ${NIC.heartbeat} ${ADDR.heartbeat[n]}`),
  ...NODE_NAMES.map((n) => `ucast ${NIC.service} ${ADDR.service[n]}`),
  ...(o.serial ? [`baud ${o.baud ?? 19200}`, `serial ${SERIAL_DEVICE}`] : []),
  'auto_failback off',
  `node ${NODE_NAMES.join(' ')}`,
];

/** The heartbeat 3.0.6 engine. */
export const heartbeatEngine = (o: HeartbeatOptions = {}): Engine => {
  const syncMode = 'off' as const;
  return {
    name: 'heartbeat 3.0.6',
    syncMode,
    makeNodes: (bed: BedBase) => {
      const temps: string[] = [];
      const make = (name: NodeName): BedNode => {
        const hb = makeHbNode({
          name,
          ns: bed.topology.ns[name],
          binds: [{ source: bed.labDirs[name], target: LAB_DIR }, { source: bed.serial.dirs[name], target: SERIAL_DIR }],
          runDirs: [{ path: SOCKET_DIR, owner: 'postgres:postgres', mode: '2775' }],
        }, temps);
        hb.configure(hbHaCf(o), hbHaresources(syncMode));
        return {
          name, ns: bed.topology.ns[name],
          init: () => hb.init,
          running: () => hb.running(),
          start: async () => {
            await hb.start();
            bed.ledger.addProcess(hb.init!, `${name} PID 1`);
          },
          kill: () => hb.kill(),
          run: (argv, opts) => hb.run(argv, opts),
          logs: (lines) => hb.logs(lines),
        };
      };
      const nodes = { castor: make('castor'), pollux: make('pollux') };
      for (const path of temps) bed.ledger.add({ kind: 'dir', path });
      return nodes;
    },
    up: async (_bed, nodes) => {
      await Promise.all(NODE_NAMES.map((n) => nodes[n].start()));
      const ok = await waitUntil(() => inRecovery(nodes.castor) === 'f', { timeoutMs: 60_000, stepMs: 250 });
      if (!ok) throw new Error(`castor did not take the group under heartbeat:\n${nodes.castor.logs(60)}`);
    },
    standby: async (_bed, nodes, name) => {
      // heartbeat runs nothing on the node without the group: the README's one-off stop clones it.
      const r = nodes[name].run([PG_SCRIPT, ...hbPgArgs(syncMode), 'stop'], { timeoutMs: 120_000 });
      if (r.status !== 0) throw new Error(`pgbeat-postgresql stop on ${name} failed (${r.status}):\n${r.out}`);
    },
    switchover: async (_bed, nodes, from) => {
      const r = nodes[from].run([`${HA_NOARCH}/hb_standby`]);
      if (r.status !== 0) throw new Error(`hb_standby on ${from} failed (${r.status}): ${r.out}`);
    },
    diagnose: (nodes) => NODE_NAMES.map((n) => nodes[n].logs(40)).join('\n'),
  };
};
