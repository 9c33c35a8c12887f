// What every copy method gets and returns (the port between the run and a method's adapter).
import type { Logger } from '../log/logger.ts';
import type { SyncParams } from './params.ts';
import type { SyncPaths } from './paths.ts';

/** How a method's adapter is called. */
export interface CopyJob {
  p: SyncParams;
  paths: SyncPaths;
  /** Whether the target holds a good copy an incremental method may build on. */
  previous: boolean;
  /** uid/gid the copy's files must belong to. */
  owner: { uid: number; gid: number };
  log: Logger;
  /** Aborts the running transfer (stop, SIGTERM). */
  signal: AbortSignal;
  /** Called with progress lines when the run is on a terminal. */
  progress: ((line: string) => void) | undefined;
  /** Milliseconds the copy may take. */
  timeoutMs: number;
}

/** What a finished copy reports. */
export interface CopyOutcome {
  bytesMoved: number;
  /** One sentence for the log. */
  detail: string;
}
