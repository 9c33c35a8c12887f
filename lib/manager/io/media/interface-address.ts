// The IPv4 address and prefix of a network interface, as the kernel reports them now.
import { networkInterfaces } from 'node:os';

/** The first IPv4 address of `dev` with its prefix length, or undefined when it has none (or is absent). */
export const ipv4OfInterface = (dev: string): { address: string; prefix: number } | undefined => {
  const a = networkInterfaces()[dev]?.find((i) => i.family === 'IPv4');
  if (!a || !a.cidr) return undefined;
  return { address: a.address, prefix: Number(a.cidr.split('/')[1]) };
};
