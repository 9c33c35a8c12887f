// One entry for the daemon: a Medium for each configured medium.
import { networkInterfaces } from 'node:os';
import type { MediumConfig } from '../../config/cluster-config.ts';
import { MEDIUM_BACKOFF, type BackoffPolicy } from '../../media/backoff.ts';
import { mediaForThisNode } from '../../media/node-media.ts';
import type { ReopeningMedium } from './reopening-link.ts';
import { openSerialMedium } from './serial-medium.ts';
import { openUdpMedium } from './udp-medium.ts';

/** Opens the adapter for one ha.cf medium (bcast, mcast, ucast or serial); never throws, reopens with backoff. */
export const openMedium = (m: MediumConfig, policy: BackoffPolicy = MEDIUM_BACKOFF): ReopeningMedium =>
  m.kind === 'serial' ? openSerialMedium(m, policy) : openUdpMedium(m, policy);

/** This node's IPv4 and IPv6 addresses now. */
export const localAddresses = (): Set<string> =>
  new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));

/** Opens every medium of ha.cf that this node uses (ucast lines aimed at this node itself are skipped). */
export const openNodeMedia = (media: readonly MediumConfig[], policy: BackoffPolicy = MEDIUM_BACKOFF): ReopeningMedium[] =>
  mediaForThisNode(media, localAddresses()).map((m) => openMedium(m, policy));
