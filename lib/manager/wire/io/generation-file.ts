// Raises the generation kept in /var/lib/pgbeat/generation (fsynced) at daemon start.
import { fileStore } from '../../io/file-store.ts';
import { GENERATION_FILE, formatGeneration, nextGeneration, parseGeneration } from '../generation.ts';

/** The generation for this run, read from `path`, raised by one and saved before it is returned. */
export const startGeneration = (path: string = GENERATION_FILE): Promise<number> =>
  nextGeneration(fileStore(path, formatGeneration, parseGeneration), Math.floor(Date.now() / 1000));
