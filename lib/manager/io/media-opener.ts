// Opens ha.cf's media for the daemon: one reopening UDP or serial adapter per configured medium.
import type { MediumConfig } from '../config/cluster-config.ts';
import type { Medium } from '../ports.ts';
import { openMedium } from './media/open-medium.ts';

/** One Medium per configured medium (each reopens itself with backoff and never throws on send). */
export const openMedia = (media: readonly MediumConfig[]): Medium[] => media.map((m) => openMedium(m));
