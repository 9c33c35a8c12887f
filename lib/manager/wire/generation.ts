// The generation: a number this node persists and raises at every start, sent in every packet so a
// peer can tell our restart (newer generation) from a replay (older one).
import type { Store } from '../ports.ts';

/** heartbeat's default path is /var/lib/heartbeat/hb_generation; pgbeat keeps its own. */
export const GENERATION_FILE = '/var/lib/pgbeat/generation';

/** The text form of a generation file: a decimal number and a newline. */
export const formatGeneration = (g: number): string => `${g}\n`;

/** Reads a generation file's text; undefined unless it holds one u32. */
export const parseGeneration = (text: string): number | undefined => {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 0xffffffff ? n : undefined;
};

/**
 * Raises the stored generation and saves it (durably) before it is used. When the file is missing or
 * unreadable, `fallback` (the wall clock in seconds, as heartbeat's hbgenmethod time) starts it, so
 * a lost file does not make this node's packets look like replays of an older run.
 */
export const nextGeneration = async (store: Store<number>, fallback: number): Promise<number> => {
  const stored = await store.load();
  const next = stored === undefined ? Math.max(1, fallback >>> 0) : stored + 1;
  if (next > 0xffffffff) throw new RangeError(`Cannot raise the generation: ${stored} is the largest a packet carries`);
  await store.save(next);
  return next;
};
