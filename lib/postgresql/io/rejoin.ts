// Before a former primary (or a stopped standby) starts as a standby: does its WAL fit the
// current primary's timeline? If it diverged: report what would be discarded, pg_rewind, or
// re-clone (old directory renamed aside, never deleted), or refuse.
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';

/**
 * Makes the stopped data directory able to follow the current primary, or throws an OcfError
 * saying why it cannot. (First version: no divergence check yet.)
 */
export const prepareRejoin = async (env: PgEnv, i: Inspection): Promise<void> => {
  env.log.debug(`rejoin check for a ${i.state} instance: not implemented yet`);
};
