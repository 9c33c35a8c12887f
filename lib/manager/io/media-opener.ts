// Opens ha.cf's media for the daemon: the UDP and serial adapters (io/media/), without the ucast line
// that names this node itself.
import type { MediumConfig } from '../config/cluster-config.ts';
import type { Medium } from '../ports.ts';
import { openNodeMedia } from './media/open-medium.ts';

/** One Medium per configured medium this node uses; each reopens itself with backoff and never throws. */
export const openMedia = (media: readonly MediumConfig[]): Medium[] => openNodeMedia(media);
