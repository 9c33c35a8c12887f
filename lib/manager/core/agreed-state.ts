// The agreed synchronous state: who may be primary and which standby is synchronous, numbered by an
// epoch that only grows. With a witness it lives there (changed by compare-and-set); without one the
// two nodes agree on it over the heartbeats. Every node keeps the newest one it has seen, on disk.

/** A clean release: the old primary's final flushed position, so a successor can prove it has it. */
export interface Released {
  timeline: number;
  lsn: number;
  /** The node that should take the service next. */
  successor: string;
}

/** (epoch, primary, SYNC(standby) | SOLO), plus the release record while nobody is primary. */
export interface AgreedState {
  epoch: number;
  /** The node allowed to be primary; null while nobody is (bootstrap, or after a clean release). */
  primary: string | null;
  /** The synchronous standby the primary waits for (SYNC), or null (SOLO: that standby may not promote). */
  sync: string | null;
  released?: Released | undefined;
}

/** A fresh cluster's state: nobody primary, nothing agreed yet. */
export const INITIAL_STATE: AgreedState = { epoch: 0, primary: null, sync: null };

/**
 * The next epoch a node proposes: greater than `epoch`, with the parity of the node's index, so the
 * two nodes' own proposals (no witness) never share an epoch and the higher one always wins.
 */
export const nextEpoch = (epoch: number, nodeIndex: number): number => {
  const e = epoch + 1;
  return e % 2 === nodeIndex % 2 ? e : e + 1;
};

/** Whether `candidate` should replace `current` (strictly newer epoch). */
export const isNewer = (candidate: AgreedState, current: AgreedState): boolean => candidate.epoch > current.epoch;

/** Whether two states say the same thing. */
export const sameState = (a: AgreedState, b: AgreedState): boolean =>
  a.epoch === b.epoch && a.primary === b.primary && a.sync === b.sync
  && (a.released?.successor ?? null) === (b.released?.successor ?? null)
  && (a.released?.lsn ?? null) === (b.released?.lsn ?? null);

/** The state as operators read it: "epoch 7: primary pg1, SYNC(pg2)". */
export const describeState = (s: AgreedState): string => {
  if (s.primary === null) {
    const r = s.released ? `released at ${s.released.timeline}/${s.released.lsn} to ${s.released.successor}` : 'bootstrap';
    return `epoch ${s.epoch}: no primary (${r}), ${s.sync === null ? 'SOLO' : `SYNC(${s.sync})`}`;
  }
  return `epoch ${s.epoch}: primary ${s.primary}, ${s.sync === null ? 'SOLO' : `SYNC(${s.sync})`}`;
};
