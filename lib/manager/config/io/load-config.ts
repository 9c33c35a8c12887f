// Reads ha.cf, haresources and authkeys from a configuration directory (default /etc/ha.d), checks the
// authkeys mode as heartbeat does, finds this node's name, and assembles the ClusterConfig.
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '../cluster-config.ts';
import { assembleClusterConfig } from '../assemble-config.ts';
import { authkeysModeProblem } from '../authkeys.ts';
import type { ConfigProblem } from '../problem.ts';

/** heartbeat's configuration directory. */
export const DEFAULT_CONFIG_DIR = '/etc/ha.d';

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** This node's name as heartbeat finds it: the first line of <dir>/nodeinfo if present, else uname -n. */
export const localNodeName = async (dir: string): Promise<string> => {
  const info = await readText(join(dir, 'nodeinfo'));
  const first = info?.split('\n')[0]?.trim();
  return (first || hostname()).toLowerCase();
};

/**
 * Loads and checks the configuration in `dir`. `localNode`: the node's name to check against ha.cf
 * (default: found as heartbeat finds it); `null` for the witness host, which is not a node.
 */
export const loadClusterConfig = async (
  dir: string = DEFAULT_CONFIG_DIR,
  localNode?: string | null,
): Promise<{ config?: ClusterConfig; problems: ConfigProblem[] }> => {
  const file = (name: string): string => join(dir, name);
  const [haCf, haresources, authkeys] = await Promise.all(['ha.cf', 'haresources', 'authkeys'].map((n) => readText(file(n))));
  const modeProblems: ConfigProblem[] = [];
  if (authkeys !== undefined) {
    const st = await stat(file('authkeys'));
    const why = authkeysModeProblem(st.mode);
    if (why) modeProblems.push({ file: file('authkeys'), line: 0, severity: 'error', message: why });
  }
  const self = localNode === null ? undefined : localNode ?? await localNodeName(dir);
  const r = assembleClusterConfig({
    haCf: { file: file('ha.cf'), text: haCf },
    haresources: { file: file('haresources'), text: haresources },
    authkeys: { file: file('authkeys'), text: authkeys },
  }, self);
  if (modeProblems.length === 0) return r;
  return { problems: [...modeProblems, ...r.problems] };
};
