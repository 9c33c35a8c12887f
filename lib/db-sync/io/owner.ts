// uid and gid of the system user (id -u / id -g), for the files a copy writes.
import { runLight } from '../../exec/io/run-light.ts';
import { describeFailure } from '../../exec/result.ts';
import { OCF_ERR_INSTALLED } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';

/** The user's uid and primary gid; throws OcfError(OCF_ERR_INSTALLED) when the user does not exist. */
export const userIds = async (user: string): Promise<{ uid: number; gid: number }> => {
  const [u, g] = [await runLight('id', ['-u', user], { timeoutMs: 5_000 }), await runLight('id', ['-g', user], { timeoutMs: 5_000 })];
  if (u.failed || g.failed) throw new OcfError(OCF_ERR_INSTALLED, `System user '${user}' does not exist (${describeFailure(u.failed ? u : g)})`);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
};
