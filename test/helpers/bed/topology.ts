// The bed's network: a service LAN (a bridge in a switch namespace: castor, pollux, the client and
// the witness, the VIP 192.0.2.10), a separate heartbeat link (a veth pair straight between castor
// and pollux, 198.51.100.0/24), no default route, no link to a host interface. The witness sits on
// the service LAN: it stands for a third party the clients also need (an application server, the
// router), so a node cut off from the service LAN loses the witness with its clients, and a node
// that still reaches the witness still reaches its clients; a witness on its own link would let a
// node keep a lease while no client can reach it.
import { randomBytes } from 'node:crypto';
import { createLab } from '../netns.ts';
import { ip } from '../netns.ts';
import type { Ledger } from './ledger.ts';

/** The two cluster nodes, in the order the bed uses (castor starts as the primary). */
export const NODE_NAMES = ['castor', 'pollux'] as const;
/** A cluster node's name. */
export type NodeName = (typeof NODE_NAMES)[number];

/** The bed's fixed addressing (documentation ranges only). */
export const ADDR = {
  vip: '192.0.2.10',
  prefix: 24,
  service: { castor: '192.0.2.11', pollux: '192.0.2.12', client: '192.0.2.20', witness: '192.0.2.30' },
  heartbeat: { castor: '198.51.100.1', pollux: '198.51.100.2' },
  serviceSubnet: '192.0.2.0/24',
  heartbeatSubnet: '198.51.100.0/24',
} as const;

/** Interface names inside the hosts. */
export const NIC = { service: 'eth0', heartbeat: 'hb0' } as const;

/** The namespaces of one bed. */
export interface Topology {
  tag: string;
  switchNs: string;
  ns: { castor: string; pollux: string; client: string; witness: string };
  /** The switch-side port of a host's service interface. */
  switchPort: { castor: string; pollux: string; client: string; witness: string };
}

/** Creates the namespaces and links and records them in `ledger`. */
export const createTopology = (ledger: Ledger): Topology => {
  const hosts = ['castor', 'pollux', 'client', 'witness'] as const;
  const lab = createLab(4, hosts.map((h) => [`${ADDR.service[h]}/${ADDR.prefix}`]), NIC.service);
  for (const name of [lab.switchNs, ...hosts.map((_, i) => lab.host(i))]) ledger.add({ kind: 'netns', name });
  const ns = { castor: lab.host(0), pollux: lab.host(1), client: lab.host(2), witness: lab.host(3) };
  // The heartbeat link: one veth pair, castor's end moved to castor, pollux's to pollux.
  const tag = randomBytes(3).toString('hex');
  const a = `pgbhb-${tag}`;
  ip('-n', ns.castor, 'link', 'add', NIC.heartbeat, 'type', 'veth', 'peer', 'name', a);
  ip('-n', ns.castor, 'link', 'set', a, 'netns', ns.pollux);
  ip('-n', ns.pollux, 'link', 'set', a, 'name', NIC.heartbeat);
  for (const n of NODE_NAMES) {
    ip('-n', ns[n], 'addr', 'add', `${ADDR.heartbeat[n]}/24`, 'dev', NIC.heartbeat);
    ip('-n', ns[n], 'link', 'set', NIC.heartbeat, 'up');
  }
  return {
    tag, switchNs: lab.switchNs, ns,
    switchPort: { castor: 'p0', pollux: 'p1', client: 'p2', witness: 'p3' },
  };
};
