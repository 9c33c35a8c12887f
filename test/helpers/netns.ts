// Test networks: network namespaces joined by veth pairs to a bridge in a "switch" namespace.
// No default route, no link to a host interface; everything made here is deleted by cleanup().
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Runs `ip` (throws with stderr on failure). */
export const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a command inside a namespace and returns its status and output (never throws). */
export const inNs = (ns: string, cmd: string, args: string[], env?: Record<string, string>) => {
  const r = spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', env: env ?? process.env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

/** A small lab: one switch namespace with a bridge, and hosts each with one interface on it. */
export interface Lab {
  /** Namespace name of host i. */
  host(i: number): string;
  /** Interface name inside every host namespace. */
  nic: string;
  /** The switch namespace. */
  switchNs: string;
  /** Deletes every namespace this lab created. */
  cleanup(): void;
}

/**
 * Creates `hosts` namespaces, each with interface `nic` (veth) plugged into a bridge, the given
 * IPv4/IPv6 addresses (one list per host, CIDR form) and the links up.
 */
export const createLab = (hosts: number, addresses: string[][], nic = 'eth0'): Lab => {
  const tag = randomBytes(3).toString('hex');
  const switchNs = `pgbsw-${tag}`;
  const names = Array.from({ length: hosts }, (_, i) => `pgbh${i}-${tag}`);
  const made: string[] = [];
  const cleanup = (): void => {
    for (const ns of made.reverse()) spawnSync('ip', ['netns', 'del', ns]);
    made.length = 0;
  };
  try {
    ip('netns', 'add', switchNs);
    made.push(switchNs);
    ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', switchNs, 'link', 'set', 'br0', 'up');
    names.forEach((ns, i) => {
      ip('netns', 'add', ns);
      made.push(ns);
      const port = `p${i}`;
      ip('-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', nic, 'netns', ns);
      ip('-n', switchNs, 'link', 'set', port, 'master', 'br0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      for (const a of addresses[i] ?? []) ip('-n', ns, 'addr', 'add', a, 'dev', nic, ...(a.includes(':') ? ['nodad'] : []));
      ip('-n', ns, 'link', 'set', nic, 'up');
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  return { host: (i) => names[i]!, nic, switchNs, cleanup };
};

/** The MAC address of an interface in a namespace. */
export const macOf = (ns: string, nic: string): string =>
  (JSON.parse(ip('-n', ns, '-j', 'link', 'show', 'dev', nic)) as { address: string }[])[0]!.address;

/** Addresses (CIDR text) on an interface in a namespace. */
export const addressesOf = (ns: string, nic: string): string[] =>
  (JSON.parse(ip('-n', ns, '-j', 'addr', 'show', 'dev', nic)) as { addr_info: { local: string; prefixlen: number }[] }[])[0]!
    .addr_info.map((a) => `${a.local}/${a.prefixlen}`);

/** The neighbour entry (MAC) a namespace holds for an address, if any. */
export const neighbourMac = (ns: string, address: string): string | undefined => {
  const rows = JSON.parse(ip('-n', ns, '-j', 'neigh', 'show', address)) as { lladdr?: string }[];
  return rows[0]?.lladdr;
};
