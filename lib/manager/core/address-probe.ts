// Whether a take should probe for a duplicate service address first (the VIP agent's dad, ~1 s of
// arping on the takeover path). Not when the peer is known not to hold it: declared dead (its lease,
// if any, ended before ours began, and a lapsed lease drops its address), fenced, or its last
// heartbeat said it holds nothing. Otherwise (it is heard and says it holds the service) the probe stays.
import type { CoreState } from './core-state.ts';

/** true: keep the agent's duplicate-address probe; false: add the address at once (dad=false). */
export const addressProbeNeeded = (s: Pick<CoreState, 'peer' | 'peerHb' | 'fencedPeerAt'>): boolean =>
  !(s.peer.dead || s.fencedPeerAt !== null || (s.peerHb !== null && !s.peerHb.holding));

/** Whether the peer is known down (declared dead, its lease over, or fenced): a promotion need not ask it anything. */
export const peerKnownDown = (s: Pick<CoreState, 'peer' | 'fencedPeerAt'>): boolean => s.peer.dead || s.fencedPeerAt !== null;
