// pg_rewind's messages (stderr, C locale) -> what it found: where the servers diverged, whether a rewind was needed.
import { parseLsn, type Lsn } from './lsn.ts';

/** What pg_rewind reported. */
export interface RewindOutcome {
  /** From "servers diverged at WAL location X on timeline N". */
  divergedAt: { lsn: Lsn; timeline: number } | undefined;
  /** "no rewind required": the target is a direct ancestor of the source. */
  noRewindRequired: boolean;
  /** "Done!" was printed (the run, or dry run, completed). */
  done: boolean;
  /** The `pg_rewind: error: ...` lines, prefix removed. */
  errors: string[];
}

/** Parses pg_rewind's output (stdout and stderr concatenated). */
export const parseRewindOutput = (text: string): RewindOutcome => {
  const d = /servers diverged at WAL location ([0-9A-Fa-f]+\/[0-9A-Fa-f]+) on timeline (\d+)/.exec(text);
  return {
    divergedAt: d ? { lsn: parseLsn(d[1]!), timeline: Number(d[2]) } : undefined,
    noRewindRequired: /no rewind required/.test(text),
    done: /^pg_rewind: Done!$/m.test(text) || /^Done!$/m.test(text),
    errors: text.split('\n').flatMap((l) => {
      const m = /^pg_rewind: (?:error|fatal): (.*)$/.exec(l.trim());
      return m ? [m[1]!] : [];
    }),
  };
};
