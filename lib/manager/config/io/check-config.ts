// `pgbeat check-config [--config-dir DIR]`: prints every configuration problem as file:line: message
// and exits non-zero when any is an error.
import type { CommandModule } from 'yargs';
import { formatProblem, hasErrors } from '../problem.ts';
import { DEFAULT_CONFIG_DIR, loadClusterConfig } from './load-config.ts';
import { resourceProblems } from './resource-problems.ts';

/**
 * Runs the check for `dir` and returns the exit code (0: usable, 1: errors), printing the problems:
 * the loader's, then (once the files are right) resources whose executable this node lacks.
 */
export const checkConfig = async (dir: string, out: (line: string) => void = (l) => console.log(l)): Promise<number> => {
  const loaded = await loadClusterConfig(dir);
  const problems = loaded.config
    ? [...loaded.problems, ...resourceProblems(loaded.config.groups, dir, process.env['OCF_ROOT'] || '/usr/lib/ocf')]
    : loaded.problems;
  const config = hasErrors(problems) ? undefined : loaded.config;
  for (const p of problems) out(formatProblem(p));
  if (hasErrors(problems) || !config) {
    out(`${dir}: configuration refused (${problems.filter((p) => p.severity === 'error').length} error(s))`);
    return 1;
  }
  out(`${dir}: configuration OK for node ${config.localNode} (${config.nodes.join(', ')}; ${config.media.length} medium(s), ${config.groups.length} group(s))`);
  return 0;
};

/** The yargs command module for `pgbeat check-config`. */
export const checkConfigCommand: CommandModule<object, { 'config-dir': string }> = {
  command: 'check-config',
  describe: 'Check ha.cf, haresources and authkeys; print every problem as file:line: message',
  builder: (y) => y.option('config-dir', { type: 'string', default: DEFAULT_CONFIG_DIR, describe: 'Configuration directory' }),
  handler: async (argv) => {
    process.exitCode = await checkConfig(argv['config-dir']);
  },
};
