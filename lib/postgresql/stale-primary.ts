// Whether a running primary is the stale side of a healed partition: a peer answers on a newer
// timeline that descends from ours (it was promoted after us, while it could not see us). That peer
// holds the writes acknowledged since its promotion; this primary's are the ones to give up, so
// under Pacemaker its promotion score goes to that peer (and the cluster moves the primary role).
import { rejoinDirection, type SideSnapshot } from './rejoin-direction.ts';

/** The peers that make this primary stale, and one sentence saying why; undefined when none does. */
export interface StaleVerdict {
  newer: string[];
  reason: string;
}

/**
 * Judges the peers that do not stream from us. A peer on a newer timeline counts only when that
 * timeline descends from ours (rejoinDirection would let us follow it): one promoted apart from
 * us on another branch, or from another database cluster, proves nothing about which side is stale.
 */
export const stalePrimary = (ours: SideSnapshot, peers: readonly SideSnapshot[]): StaleVerdict | undefined => {
  const proofs = peers
    .filter((p) => p.timeline > ours.timeline)
    .map((p) => ({ name: p.name, direction: rejoinDirection(ours, p) }))
    .filter((p) => p.direction.rejoin);
  if (proofs.length === 0) return undefined;
  return {
    newer: proofs.map((p) => p.name),
    reason: `this primary (${ours.name}, timeline ${ours.timeline}) is stale: ${proofs.map((p) => p.direction.reason).join('; ')}; `
      + `${proofs.map((p) => p.name).join(', ')} was promoted after us and holds the writes acknowledged since, so the promotion score goes to it and this side is to be rejoined (rewound onto it, report first)`,
  };
};
