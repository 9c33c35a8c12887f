// The media this node opens: ha.cf is the same on both nodes, so a `ucast dev <address>` line may aim
// at this node itself (heartbeat just sends itself duplicates). Such a line is skipped here: it would
// bind the same address and port as the line to the peer, and the kernel would hand each datagram to
// one of the two sockets only.
import type { MediumConfig } from '../config/cluster-config.ts';

/** The configured media without the ucast lines whose peer is one of `localAddresses`. */
export const mediaForThisNode = (media: readonly MediumConfig[], localAddresses: ReadonlySet<string>): MediumConfig[] =>
  media.filter((m) => m.kind !== 'ucast' || !localAddresses.has(m.peer));
