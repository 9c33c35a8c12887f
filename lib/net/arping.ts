// iputils arping: the arguments for gratuitous ARP and duplicate probes, and what its answers mean.
//
// Facts of iputils-arping (checked with 20221126, Debian 12; upstream master reads -i the same way):
// `-i` takes whole seconds only ("-i 0.2" exits 1 with "invalid argument"), and `-i 0` disarms the
// send timer, so a burst never ends. `-U -c N` sends one packet per interval and exits 0 after
// about N intervals; `-D` exits 0 when nobody answered and 1 when someone did.

/** The gap arping can keep: whole seconds, at least 1, rounded up from milliseconds. */
export const arpingIntervalSeconds = (intervalMs: number): number => Math.max(1, Math.ceil(intervalMs / 1000));

/** arping arguments for a gratuitous ARP burst of `count` packets. */
export const garpArgs = (nic: string, address: string, count: number, intervalMs: number): string[] => [
  '-U', '-c', String(count), '-i', String(arpingIntervalSeconds(intervalMs)), '-I', nic, address,
];

/**
 * Probes of a duplicate check. One probe and a one-second wait (arping's smallest deadline): an
 * owner on the segment answers within milliseconds, and every extra probe would add a whole second
 * to each takeover.
 */
export const DAD_PROBES = 1;

/** arping arguments for a duplicate address probe (RFC 5227 style: sender address 0.0.0.0). */
export const dadProbeArgs = (nic: string, address: string): string[] => [
  '-D', '-c', String(DAD_PROBES), '-w', String(DAD_PROBES), '-I', nic, address,
];

/** What a duplicate probe found. */
export type DadResult = { duplicate: false } | { duplicate: true; mac: string | undefined } | { error: string };

/**
 * Reads `arping -D` output: "Received N response(s)" with N > 0 (and the answering MAC in
 * brackets) means another host holds the address. Output without the summary is an error.
 */
export const readDadProbe = (stdout: string, failure: string): DadResult => {
  const replies = /Received (\d+) response/.exec(stdout);
  if (!replies) return { error: failure };
  if (Number(replies[1]) === 0) return { duplicate: false };
  const mac = /\[([0-9A-Fa-f:]{17})\]/.exec(stdout)?.[1];
  return { duplicate: true, mac: mac?.toLowerCase() };
};
