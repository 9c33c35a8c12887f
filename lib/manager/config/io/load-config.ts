// Reads ha.cf, haresources and authkeys from a configuration directory (default /etc/ha.d), checks the
// authkeys mode as heartbeat does, finds this node's name, and assembles the ClusterConfig.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '../cluster-config.ts';
import { assembleClusterConfig } from '../assemble-config.ts';
import { authkeysModeProblem } from '../authkeys.ts';
import { mediaDeviceProblems, type LocalDevices } from '../media-devices.ts';
import { hasErrors, type ConfigProblem } from '../problem.ts';

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

/** This node's interfaces (from /sys/class/net, so those without addresses count) and a path check. */
export const localDevices = async (): Promise<LocalDevices> => {
  const names = await readdir('/sys/class/net').catch(() => Object.keys(networkInterfaces()));
  const addrs = networkInterfaces();
  return {
    interfaces: new Map(names.map((n) => [n, { ipv4: (addrs[n] ?? []).some((a) => a.family === 'IPv4') }])),
    exists: (path) => existsSync(path),
  };
};

/**
 * Loads and checks the configuration in `dir`; on a node, once the files are right, also that the
 * media's devices exist here. `localNode`: the node's name to check against ha.cf (default: found as
 * heartbeat finds it); `null` for the witness host, which is not a node and has no media.
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
  const deviceProblems = r.config && localNode !== null ? mediaDeviceProblems(r.config.media, await localDevices(), file('ha.cf')) : [];
  const problems = [...modeProblems, ...r.problems, ...deviceProblems];
  return hasErrors(problems) ? { problems } : { config: r.config, problems };
};
