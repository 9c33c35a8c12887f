// Neighbour announcements and duplicate detection: arping (IPv4), send_ua (IPv6).
import { spawn } from 'node:child_process';
import { run } from '../../exec/io/run.ts';
import { describeFailure } from '../../exec/result.ts';

/** Result of an IPv4 duplicate-address probe. */
export type DadResult = { duplicate: false } | { duplicate: true; mac: string | undefined } | { error: string };

/**
 * Asks the segment whether anyone answers for `address` (arping -D). A reply means another host
 * holds it. Bounded by `timeoutMs`.
 */
export const probeDuplicateV4 = async (arping: string, nic: string, address: string, timeoutMs: number): Promise<DadResult> => {
  const r = await run(arping, ['-D', '-c', '2', '-i', '0.2', '-w', '1', '-I', nic, address], { timeoutMs });
  const replies = /Received (\d+) response/.exec(r.stdout);
  if (replies && Number(replies[1]) > 0) {
    const mac = /\[([0-9A-Fa-f:]{17})\]/.exec(r.stdout)?.[1];
    return { duplicate: true, mac: mac?.toLowerCase() };
  }
  if (replies) return { duplicate: false };
  return { error: describeFailure(r) };
};

/** arping arguments for a gratuitous ARP burst. */
export const garpArgs = (nic: string, address: string, count: number, intervalMs: number): string[] => [
  '-U', '-c', String(count), '-i', (intervalMs / 1000).toFixed(3), '-I', nic, address,
];

/** Sends the burst and waits for it (bounded). Returns an error text, or undefined on success. */
export const announceV4 = async (
  arping: string, nic: string, address: string, count: number, intervalMs: number, timeoutMs: number,
): Promise<string | undefined> => {
  const r = await run(arping, garpArgs(nic, address, count, intervalMs), { timeoutMs });
  // arping -U exits 1 when no reply came back, which is normal for gratuitous ARP.
  return r.notFound || r.timedOut || (r.exitCode !== 0 && r.exitCode !== 1) ? describeFailure(r) : undefined;
};

/** Starts the burst in the background (it outlives the agent) and returns its PID. */
export const announceV4InBackground = (
  arping: string, nic: string, address: string, count: number, intervalMs: number,
): number | undefined => {
  const child = spawn(arping, garpArgs(nic, address, count, intervalMs), { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
};

/** Sends unsolicited neighbour advertisements with resource-agents' send_ua. */
export const announceV6 = async (
  sendUa: string, nic: string, address: string, prefix: number, count: number, intervalMs: number, timeoutMs: number,
): Promise<string | undefined> => {
  const r = await run(sendUa, ['-i', String(intervalMs), '-c', String(count), address, String(prefix), nic], { timeoutMs });
  return r.failed ? describeFailure(r) : undefined;
};
