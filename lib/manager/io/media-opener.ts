// Opens ha.cf's media for the daemon: the UDP and serial adapters (io/media/), without the ucast line
// that names this node itself.
import type { MediumConfig } from '../config/cluster-config.ts';
import { openNodeMedia } from './media/open-medium.ts';
import type { ReopeningMedium } from './media/reopening-link.ts';

/** One Medium per configured medium this node uses; each reopens itself with backoff and never throws (its counters in `stats`). */
export const openMedia = (media: readonly MediumConfig[]): ReopeningMedium[] => openNodeMedia(media);
