// Runs a built agent as a manager would: a clean environment plus OCF variables, optionally in a namespace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Root of the repository. */
export const ROOT = new URL('../..', import.meta.url).pathname;

/** Path of a built agent (run `npm run build` first; the integration suite does it once). */
export const agentPath = (name: string): string => join(ROOT, 'dist', 'agents', name);

/** What an agent call produced. */
export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last `ocf-exit-reason:` text, if any. */
  reason: string | undefined;
}

const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Runs `agent [args...] action` with `OCF_RESKEY_<k>` for each param, OCF_ROOT and PATH only
 * (plus `extraEnv`), inside `ns` when given.
 */
export const callAgent = (
  path: string,
  action: string,
  params: Record<string, string> = {},
  opts: { ns?: string; extraEnv?: Record<string, string>; args?: string[]; timeoutMs?: number } = {},
): AgentRun => {
  const env: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...opts.extraEnv };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const argv = [...(opts.args ?? []), action];
  const [cmd, args] = opts.ns ? ['ip', ['netns', 'exec', opts.ns, path, ...argv]] : [path, argv];
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: opts.timeoutMs ?? 60_000 });
  const reasons = (r.stderr ?? '').split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    reason: reasons.length ? reasons[reasons.length - 1]!.slice('ocf-exit-reason:'.length) : undefined,
  };
};
