// check-config's look at haresources on this node: every resource must have its executable where the
// manager will look for it (v1 scripts: <config-dir>/resource.d, then /etc/init.d, as heartbeat looks;
// OCF agents: $OCF_ROOT/resource.d/<provider>/<type>).
import { join } from 'node:path';
import type { GroupConfig } from '../cluster-config.ts';
import type { ConfigProblem } from '../problem.ts';
import { ocfAgentPath } from '../../resources/invocation.ts';
import { findV1Script, isExecutableFile } from '../../resources/io/script-lookup.ts';

/** Errors for resources whose executable is not on this node, at their haresources line. */
export const resourceProblems = (groups: readonly GroupConfig[], configDir: string, ocfRoot: string): ConfigProblem[] => {
  const v1Dirs = [join(configDir, 'resource.d'), '/etc/init.d'];
  return groups.flatMap((g) => {
    const m = /^(.*):(\d+)$/.exec(g.at);
    const at = { file: m?.[1] ?? g.at, line: Number(m?.[2] ?? 0) };
    return g.resources.flatMap((r): ConfigProblem[] => {
      if (r.kind === 'v1') {
        return findV1Script(r.name, v1Dirs)
          ? []
          : [{ ...at, severity: 'error', message: `resource ${r.text}: no executable ${r.name} in ${v1Dirs.join(' or ')}` }];
      }
      const path = ocfAgentPath(r, ocfRoot);
      return isExecutableFile(path) ? [] : [{ ...at, severity: 'error', message: `resource ${r.text}: ${path} is not an executable OCF agent` }];
    });
  });
};
