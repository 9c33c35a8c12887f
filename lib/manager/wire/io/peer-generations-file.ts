// The peers' newest generations and the highest seq accepted in each, kept across our restarts
// (<state-dir>/peer-generations; the witness keeps its own file) so a packet recorded from a peer's
// current or earlier run is a replay even as the first packet after our start.
import { fileStore } from '../../io/file-store.ts';
import type { Store } from '../../ports.ts';
import type { SavedPeer } from '../receive.ts';

/** Default path of the peers' generations. */
export const PEER_GENERATIONS_FILE = '/var/lib/pgbeat/peer-generations';

const isU32 = (g: unknown): g is number => Number.isInteger(g) && (g as number) >= 0 && (g as number) <= 0xffffffff;

/** One entry: { generation, top }, or a bare generation (an older file: nothing known of its seqs). */
const entry = (v: unknown): SavedPeer | undefined => {
  if (isU32(v)) return { generation: v, top: -1 };
  if (typeof v !== 'object' || v === null) return undefined;
  const { generation, top } = v as { generation?: unknown; top?: unknown };
  if (!isU32(generation) || !Number.isInteger(top) || (top as number) < -1 || (top as number) > 0xffffffff) return undefined;
  return { generation, top: top as number };
};

const parse = (text: string): Record<string, SavedPeer> | undefined => {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    return Object.fromEntries(Object.entries(v).flatMap(([node, e]) => {
      const p = entry(e);
      return p === undefined ? [] : [[node, p]];
    }));
  } catch {
    return undefined;
  }
};

/** A Store of the peers' windows (JSON object node -> { generation, top }), written durably. */
export const peerGenerationsStore = (path: string = PEER_GENERATIONS_FILE): Store<Record<string, SavedPeer>> =>
  fileStore(path, (v) => `${JSON.stringify(v)}\n`, parse);
