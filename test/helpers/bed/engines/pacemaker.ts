// Pacemaker 2.1 + corosync 3 as a bed engine, on the node boot of pacemaker-cluster.ts (corosync -f
// and pacemakerd -f under a reaping PID 1 in the node's own mount, UTS, PID and IPC namespaces): the
// README's Pacemaker recipe with our agents, a promotable clone of ocf:pgbeat:postgresql
// (sync_mode=fallback, notify=true, peers on the service LAN) and ocf:pgbeat:IPaddr colocated with
// the promoted instance and started after the promote. corosync's ring is the service LAN (knet,
// two_node). No fencing (stonith-enabled=false, as the bed has no fence device), so the VIP keeps
// its duplicate-address probe (the README: dad=false only with fencing). A switchover is
// `crm_resource --move --promoted`.
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pgIds } from '../../lab-postgres.ts';
import { waitUntil } from '../../lab-node.ts';
import { addressesOf } from '../../netns.ts';
import { createPacemakerCluster, type ClusterNode, type PacemakerCluster } from '../../pacemaker-cluster.ts';
import type { BedBase, Engine } from '../engine.ts';
import { LAB_DIR, PGDATA, REPORT_DIR, SOCKET_DIR, type BedNode } from '../node.ts';
import { SERIAL_DIR } from '../serial.ts';
import { inRecovery } from '../sql.ts';
import { ADDR, NIC, NODE_NAMES, type NodeName } from '../topology.ts';
import { recipeConstraintsXml, recipeOptionsXml, recipeResourcesXml } from '../../pacemaker-recipe.ts';

/** The clone's primitive and the clone. */
export const PCMK_RSC = 'pgsql';
export const PCMK_CLONE = 'pgsql-clone';

/** Timing of the Pacemaker engine. */
export interface PacemakerOptions {
  /** corosync's totem token, ms (how long until a silent node is lost). */
  tokenMs?: number;
  /** The promoted instance's monitor interval (the unpromoted one's is one second longer). */
  monitorPromoted?: string;
}

/** Cluster options: no fencing device on the bed, two nodes, a short recheck (failure-timeout). */
export const pacemakerOptionsXml = recipeOptionsXml;

/** The resources and constraints (README's recipe) as the CIB's configuration section. */
export const pacemakerConfigXml = (o: PacemakerOptions = {}): string => {
  const promoted = o.monitorPromoted ?? '3s';
  return `<configuration>${recipeResourcesXml({
    clone: PCMK_CLONE, rsc: PCMK_RSC, pgdata: PGDATA, socketDir: SOCKET_DIR, vip: ADDR.vip, prefix: ADDR.prefix, nic: NIC.service,
    peers: NODE_NAMES.map((n) => `${n}=${ADDR.service[n]}`).join(' '), reportDir: REPORT_DIR,
    monitorPromoted: promoted, monitorUnpromoted: `${Number.parseInt(promoted, 10) + 1}s`, monitorVip: '10s',
  })}${recipeConstraintsXml(PCMK_CLONE)}</configuration>`;
};

/** The clone's instances as crm_mon on `from` sees them: node -> role. */
export const pacemakerRoles = (from: BedNode): Map<string, string> => {
  const r = from.run(['crm_mon', '-1', '--output-as=xml'], { timeoutMs: 15_000 });
  const out = new Map<string, string>();
  if (r.status !== 0) return out;
  const clone = r.stdout.match(new RegExp(`<clone id="${PCMK_CLONE}"[\\s\\S]*?</clone>`))?.[0] ?? '';
  for (const m of clone.matchAll(/<resource id="[^"]+"[^>]*\brole="(\w+)"[^>]*>\s*<node name="([^"]+)"/g)) out.set(m[2]!, m[1]!);
  return out;
};

/** The Pacemaker + corosync engine. */
export const pacemakerEngine = (o: PacemakerOptions = {}): Engine => {
  let cluster: PacemakerCluster | undefined;
  const cibadmin = (node: BedNode, args: string[]): void => {
    const r = node.run(['cibadmin', ...args], { timeoutMs: 30_000 });
    if (r.status !== 0) throw new Error(`cibadmin ${args.slice(0, 3).join(' ')} on ${node.name} failed (${r.status}): ${r.out.trim()}`);
  };
  return {
    name: 'Pacemaker + corosync',
    syncMode: 'fallback',
    makeNodes: (bed: BedBase) => {
      // PostgreSQL's socket directory: a per-node host directory (Pacemaker's node boot makes only
      // /run/postgresql in its private /run).
      const ids = pgIds();
      const sockets = Object.fromEntries(NODE_NAMES.map((n) => {
        const dir = join(bed.base, `${n}-run-pgbeat-lab`);
        mkdirSync(dir, { recursive: true });
        chownSync(dir, ids.uid, ids.gid);
        chmodSync(dir, 0o2775);
        return [n, dir];
      })) as Record<NodeName, string>;
      cluster = createPacemakerCluster(NODE_NAMES.map((n) => ({
        name: n, ns: bed.topology.ns[n], address: ADDR.service[n],
        binds: [
          { source: bed.labDirs[n], target: LAB_DIR }, { source: sockets[n], target: SOCKET_DIR },
          { source: bed.serial.dirs[n], target: SERIAL_DIR },
        ],
      })), { clusterName: 'pgbeatbed', tokenMs: o.tokenMs ?? 1000 });
      for (const c of cluster.nodes) bed.ledger.add({ kind: 'dir', path: c.base });
      const wrap = (c: ClusterNode, name: NodeName): BedNode => ({
        name, ns: bed.topology.ns[name],
        init: () => c.init,
        running: () => c.running(),
        start: async () => {
          await c.start();
          bed.ledger.addProcess(c.init!, `${name} PID 1`);
        },
        kill: () => c.kill(),
        run: (argv, opts) => c.run(argv, opts),
        logs: (lines) => c.logs(lines),
      });
      return { castor: wrap(cluster.node('castor'), 'castor'), pollux: wrap(cluster.node('pollux'), 'pollux') };
    },
    up: async (bed, nodes) => {
      await Promise.all(NODE_NAMES.map((n) => nodes[n].start()));
      if (!(await cluster!.waitOnline('castor', [...NODE_NAMES], 90_000))) {
        throw new Error(`castor and pollux did not form a cluster:\n${nodes.castor.logs(40)}`);
      }
      cibadmin(nodes.castor, ['--create', '--scope', 'crm_config', '--xml-text', pacemakerOptionsXml()]);
      cibadmin(nodes.castor, ['--modify', '--scope', 'configuration', '--xml-text', pacemakerConfigXml(o)]);
      // The address starts after the promote (order constraint; its duplicate-address probe takes a
      // second), and pollux may stream before that (it clones from whichever peer is primary).
      const vipOnCastor = (): boolean => addressesOf(bed.topology.ns.castor, NIC.service).includes(`${ADDR.vip}/${ADDR.prefix}`);
      const ok = await waitUntil(() => inRecovery(nodes.castor) === 'f' && pacemakerRoles(nodes.castor).get('castor') === 'Promoted' && vipOnCastor(),
        { timeoutMs: 120_000, stepMs: 500 });
      if (!ok) throw new Error(`castor was not promoted with the VIP under Pacemaker:\n${nodes.castor.logs(60)}`);
    },
    standby: async (_bed, nodes, name) => {
      // The instance's first start ran before there was a primary to clone; a cleanup starts it again
      // now rather than after failure-timeout.
      const live = NODE_NAMES.map((n) => nodes[n]).find((n) => n.running());
      live?.run(['crm_resource', '--cleanup', '--resource', PCMK_CLONE, '--node', name], { timeoutMs: 30_000 });
    },
    switchover: async (_bed, nodes, from) => {
      const to = NODE_NAMES.find((n) => n !== from)!;
      const r = nodes[from].run(['crm_resource', '--resource', PCMK_CLONE, '--move', '--promoted', '--node', to], { timeoutMs: 30_000 });
      if (r.status !== 0) throw new Error(`crm_resource --move --promoted to ${to} failed (${r.status}): ${r.out}`);
    },
    diagnose: (nodes) => NODE_NAMES.map((n) => {
      const mon = nodes[n].running() ? nodes[n].run(['crm_mon', '-1', '-A', '-f', '-r'], { timeoutMs: 15_000 }).out : `${n}: down`;
      return `${mon}\n${nodes[n].logs(40)}`;
    }).join('\n'),
  };
};
