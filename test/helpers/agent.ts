// Runs a built agent as a manager would: a clean environment plus OCF variables, optionally in a namespace.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

let reportDir: string | undefined;

/**
 * The report_dir postgresql calls get when they name none: one temp directory per test process
 * (mode 0755, removed at exit), so tests never write into the host's /var/log/pgbeat.
 */
export const testReportDir = (): string => {
  if (reportDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'pgbeat-reports-'));
    chmodSync(dir, 0o755);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    reportDir = dir;
  }
  return reportDir;
};

const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Options of callAgent. */
export interface CallOptions {
  /** Network namespace to run in. */
  ns?: string;
  /** Extra environment (overrides PATH and OCF_ROOT too). */
  extraEnv?: Record<string, string>;
  /** heartbeat v1 positional arguments, before the action. */
  args?: string[];
  timeoutMs?: number;
  /** Run as `<node> <agent>` (an absolute node binary) instead of through the shebang. */
  node?: string;
  /**
   * Files to make disappear for this call: /dev/null is bind-mounted over each in a private mount
   * namespace, so a binary looks uninstalled even to a lookup that ignores PATH.
   */
  hide?: string[];
}

// Absolute paths: the call's own PATH may be deliberately useless.
const IP = '/usr/bin/ip';
const UNSHARE = '/usr/bin/unshare';
const SH = '/bin/sh';
const HIDE_SCRIPT = 'while [ "$1" != -- ]; do /usr/bin/mount --bind /dev/null "$1" || exit 97; shift; done; shift; exec "$@"';

/**
 * Runs `agent [args...] action` with `OCF_RESKEY_<k>` for each param, OCF_ROOT and PATH only
 * (plus `extraEnv`), inside `ns` when given.
 */
export const callAgent = (
  path: string,
  action: string,
  params: Record<string, string> = {},
  opts: CallOptions = {},
): AgentRun => {
  const env: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...opts.extraEnv };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  if (path.endsWith('postgresql') && params['report_dir'] === undefined) env['OCF_RESKEY_report_dir'] ??= testReportDir();
  let argv = [...(opts.node ? [opts.node, path] : [path]), ...(opts.args ?? []), action];
  if (opts.hide?.length) {
    argv = [UNSHARE, '--mount', '--propagation', 'private', SH, '-c', HIDE_SCRIPT, 'hide', ...opts.hide, '--', ...argv];
  }
  if (opts.ns) argv = [IP, 'netns', 'exec', opts.ns, ...argv];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env, timeout: opts.timeoutMs ?? 60_000 });
  const reasons = (r.stderr ?? '').split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    reason: reasons.length ? reasons[reasons.length - 1]!.slice('ocf-exit-reason:'.length) : undefined,
  };
};
