// The `ip` command: read interfaces and routes, add and delete addresses.
import { describeFailure, type CommandResult } from '../../exec/result.ts';
import { run, type Runner } from '../../exec/io/run.ts';
import { parseIpAddrJson, parseIpRouteJson, type InterfaceInfo, type RouteEntry } from '../ip-json.ts';

/** Thrown when an `ip` command fails; the message says which and why. */
export class IpCommandError extends Error {
  override name = 'IpCommandError';
  constructor(readonly result: CommandResult) {
    super(describeFailure(result));
  }
}

/** Talks to the kernel through one `ip` binary. */
export interface IpTool {
  links(family?: 4 | 6): Promise<InterfaceInfo[]>;
  routesMatching(family: 4 | 6, address: string): Promise<RouteEntry[]>;
  addAddress(a: AddAddress): Promise<void>;
  deleteAddress(family: 4 | 6, address: string, prefix: number, nic: string): Promise<void>;
  setLinkUp(nic: string): Promise<void>;
}

/** Options of `ip addr add`. */
export interface AddAddress {
  family: 4 | 6;
  address: string;
  prefix: number;
  nic: string;
  broadcast?: string | undefined;
  label?: string | undefined;
  preferredLft?: string | undefined;
  /** IPv6: skip the kernel's duplicate address detection. */
  nodad?: boolean;
}

/** An IpTool running the binary at `path`, each call bounded by `timeoutMs` (runner: execa unless given). */
export const ipTool = (path: string, timeoutMs: number, runner: Runner = run): IpTool => {
  const ip = async (args: string[]): Promise<CommandResult> => {
    const r = await runner(path, args, { timeoutMs });
    if (r.failed) throw new IpCommandError(r);
    return r;
  };
  return {
    links: async (family) => parseIpAddrJson((await ip(['-j', ...(family ? ['-f', family === 4 ? 'inet' : 'inet6'] : []), 'addr', 'show'])).stdout),
    routesMatching: async (family, address) =>
      parseIpRouteJson((await ip(['-j', '-f', family === 4 ? 'inet' : 'inet6', 'route', 'list', 'match', address])).stdout, family),
    addAddress: async (a) => {
      const args = ['-f', a.family === 4 ? 'inet' : 'inet6', 'addr', 'add', `${a.address}/${a.prefix}`];
      if (a.broadcast) args.push('brd', a.broadcast);
      args.push('dev', a.nic);
      if (a.label) args.push('label', a.label);
      if (a.preferredLft && a.family === 6) args.push('preferred_lft', a.preferredLft);
      if (a.nodad && a.family === 6) args.push('nodad');
      await ip(args);
    },
    deleteAddress: async (family, address, prefix, nic) => {
      await ip(['-f', family === 4 ? 'inet' : 'inet6', 'addr', 'delete', `${address}/${prefix}`, 'dev', nic]);
    },
    setLinkUp: async (nic) => {
      await ip(['link', 'set', 'dev', nic, 'up']);
    },
  };
};
