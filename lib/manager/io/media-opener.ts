// Opens ha.cf's media for the daemon. The UDP and serial adapters are mgr-config's
// (lib/manager/io/media/open-medium.ts on its branch); once merged this becomes
//   import { openMedium } from './media/open-medium.ts';
//   export const openMedia = (media: readonly MediumConfig[]): Medium[] => media.map((m) => openMedium(m));
import type { MediumConfig } from '../config/cluster-config.ts';
import type { Medium } from '../ports.ts';

/** One Medium per configured medium. */
export const openMedia = (media: readonly MediumConfig[]): Medium[] => {
  throw new Error(`Cannot open ${media.length} heartbeat medium(s): the media adapters are not merged into this build yet`);
};
