// Reads a captured PostgreSQL fixture (see ../fixtures/pg/capture.ts).
import { readFileSync } from 'node:fs';

/** The text of test/unit/fixtures/pg/<name>. */
export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/pg/${name}`, import.meta.url), 'utf8');

/** Facts recorded while capturing (fork LSN, xids, relation paths). */
export const captured = (): {
  forkLsn: string;
  oldPrimaryCheckpoint: string;
  oldPrimaryWalEnd: string;
  xids: { committedInsert: string; committedSub: string; aborted: string; ddl: string };
  relations: Record<string, string>;
} => JSON.parse(fixture('capture.json'));
