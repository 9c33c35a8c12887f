// The peers' newest generations, kept across our restarts (/var/lib/pgbeat/peer-generations) so a
// packet recorded from a peer's earlier run is a replay even as the first packet after our start.
import { fileStore } from '../../io/file-store.ts';
import type { Store } from '../../ports.ts';

/** Default path of the peers' generations. */
export const PEER_GENERATIONS_FILE = '/var/lib/pgbeat/peer-generations';

const parse = (text: string): Record<string, number> | undefined => {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const entries = Object.entries(v).filter(([, g]) => Number.isInteger(g) && (g as number) >= 0 && (g as number) <= 0xffffffff);
    return Object.fromEntries(entries) as Record<string, number>;
  } catch {
    return undefined;
  }
};

/** A Store of the peers' generations (JSON object node -> generation), written durably. */
export const peerGenerationsStore = (path: string = PEER_GENERATIONS_FILE): Store<Record<string, number>> =>
  fileStore(path, (v) => `${JSON.stringify(v)}\n`, parse);
