// Neighbour announcements and duplicate detection: arping (IPv4), send_ua (IPv6).
import { spawn } from 'node:child_process';
import { run } from '../../exec/io/run.ts';
import { describeFailure } from '../../exec/result.ts';
import { dadProbeArgs, garpArgs, readDadProbe, type DadResult } from '../arping.ts';

/**
 * Asks the segment whether anyone answers for `address` (arping -D, about two seconds when nobody
 * does). A reply means another host holds it. Bounded by `timeoutMs`.
 */
export const probeDuplicateV4 = async (arping: string, nic: string, address: string, timeoutMs: number): Promise<DadResult> => {
  const r = await run(arping, dadProbeArgs(nic, address), { timeoutMs });
  return readDadProbe(r.stdout, describeFailure(r));
};

/** Sends the burst and waits for it (bounded). Returns an error text, or undefined on success. */
export const announceV4 = async (
  arping: string, nic: string, address: string, count: number, intervalMs: number, timeoutMs: number,
): Promise<string | undefined> => {
  const r = await run(arping, garpArgs(nic, address, count, intervalMs), { timeoutMs });
  // arping -U exits 0 once the burst is out; 1 is a usage error (such as a fractional -i), 2 a failure.
  return r.exitCode === 0 ? undefined : describeFailure(r);
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

/**
 * Sends unsolicited neighbour advertisements with resource-agents' send_ua. Its -i is in
 * milliseconds (measured: -i 200 -c 5 takes 1.0 s; it also waits after the last packet).
 */
export const announceV6 = async (
  sendUa: string, nic: string, address: string, prefix: number, count: number, intervalMs: number, timeoutMs: number,
): Promise<string | undefined> => {
  const r = await run(sendUa, ['-i', String(intervalMs), '-c', String(count), address, String(prefix), nic], { timeoutMs });
  return r.failed ? describeFailure(r) : undefined;
};
