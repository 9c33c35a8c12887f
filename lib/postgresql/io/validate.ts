// validate-all and the checks before start/promote/demote: is this node able to run the instance?
import { existsSync, statSync } from 'node:fs';
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_SUCCESS, type OcfCode } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { PgParams } from '../params.ts';
import { pgEnv } from './env.ts';
import { isEmptyDataDir } from './standby.ts';

type Input = ActionInput<PgParams>;

/** Checks parameters against this node: data directory, binaries, owner. */
export const validatePg = async (input: Input): Promise<OcfCode> => {
  const env = await pgEnv(input);
  const { pgdata, system_user: user } = env.p;
  if (isEmptyDataDir(pgdata)) {
    if (!env.p.primary_host) {
      throw new OcfError(OCF_ERR_ARGS, `Data directory pgdata='${pgdata}' is missing or empty and primary_host is not set to clone it from`);
    }
    return OCF_SUCCESS;
  }
  if (!statSync(pgdata).isDirectory()) throw new OcfError(OCF_ERR_ARGS, `pgdata='${pgdata}' is not a directory`);
  if (!existsSync(`${pgdata}/PG_VERSION`)) {
    throw new OcfError(OCF_ERR_ARGS, `pgdata='${pgdata}' is not a PostgreSQL data directory (no PG_VERSION)`);
  }
  if (env.mode === 'promotable' && !env.p.primary_host) {
    throw new OcfError(OCF_ERR_CONFIGURED, 'Parameter primary_host is required in promotable mode (the address standbys stream from)');
  }
  input.log.debug(`validate: ${pgdata} owned by ${user}, bindir ${env.tools.bindir}`);
  return OCF_SUCCESS;
};
