// One entry for the daemon: a Medium for each configured medium.
import type { MediumConfig } from '../../config/cluster-config.ts';
import { MEDIUM_BACKOFF, type BackoffPolicy } from '../../media/backoff.ts';
import type { ReopeningMedium } from './reopening-link.ts';
import { openSerialMedium } from './serial-medium.ts';
import { openUdpMedium } from './udp-medium.ts';

/** Opens the adapter for one ha.cf medium (bcast, mcast, ucast or serial); never throws, reopens with backoff. */
export const openMedium = (m: MediumConfig, policy: BackoffPolicy = MEDIUM_BACKOFF): ReopeningMedium =>
  m.kind === 'serial' ? openSerialMedium(m, policy) : openUdpMedium(m, policy);
