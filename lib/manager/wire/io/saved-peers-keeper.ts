// Keeps the receiver's peer windows saved (saveDue decides when), one write at a time; flush() saves
// the newest at shutdown. A failed save is logged and tried again at the next packet.
import type { Store } from '../../ports.ts';
import type { SavedPeer } from '../receive.ts';
import { saveDue } from '../saved-peers.ts';

/** The keeper of one receiver's saved windows. */
export interface SavedPeersKeeper {
  /** After each frame: the receiver's windows now (savedPeers). */
  note(current: Record<string, SavedPeer>): void;
  /** Saves the newest windows if they changed, and waits for every write. */
  flush(): Promise<void>;
}

/** A keeper over `store`, starting from what was loaded (`loaded`), saving tops at most every `intervalMs`. */
export const savedPeersKeeper = (store: Store<Record<string, SavedPeer>>, loaded: Record<string, SavedPeer>, intervalMs: number, now: () => number, log: (line: string) => void): SavedPeersKeeper => {
  let saved = loaded;
  let savedAt = -Infinity;
  let latest = loaded;
  let writing: Promise<void> = Promise.resolve();
  let busy = false;
  const save = (v: Record<string, SavedPeer>): Promise<void> => {
    busy = true;
    savedAt = now();
    writing = writing.then(() => store.save(v)).then(() => { saved = v; }, (e: unknown) => { log(`Cannot save the peers' generations: ${(e as Error).message}`); }).finally(() => { busy = false; });
    return writing;
  };
  return {
    note(current) {
      latest = current;
      if (!busy && saveDue(saved, current, savedAt, now(), intervalMs)) void save(current);
    },
    async flush() {
      await writing;
      if (JSON.stringify(saved) !== JSON.stringify(latest)) await save(latest);
    },
  };
};
