// How the manager runs one action of one resource: which executable, which argv, which environment,
// and how to read its exit (heartbeat-v1.md section 3 for v1 scripts, ocf-contract.md sections 1, 3
// and 6 for OCF agents). Pure: the script lookup on disk is io/script-lookup.ts.
import { join } from 'node:path';
import type { ResourceSpec } from '../config/cluster-config.ts';
import type { ResourceAction } from '../ports.ts';
import { OCF_ERR_CONFIGURED, OCF_ERR_UNIMPLEMENTED } from '../../ocf/exit-codes.ts';
import { missingExecutableCode } from './action-code.ts';
import { quoteValue } from '../../ocf/quote.ts';
import { isPostgresqlResource, postgresqlParams, promotableMeta } from './postgresql-resource.ts';

/** Where resources live and what every call inherits; tests point the roots at temp dirs. */
export interface ResolveOptions {
  /** This node's name (uname -n form, as in ha.cf). */
  node: string;
  /** OCF tree root: agents are $ocfRoot/resource.d/<provider>/<type>. */
  ocfRoot: string;
  /** Where v1 scripts are searched, first match wins (heartbeat: resource.d, then init.d). */
  v1Dirs: string[];
  /** heartbeat's configuration directory (HA_DIR for v1 scripts). */
  haDir: string;
  /** Per-boot state directory agents keep state in (HA_RSCTMP). */
  stateDir: string;
  /** PATH every action gets (a clean environment, as a cluster manager gives). */
  path: string;
  /** Added to every call (HA_LOGFILE, HA_LOGFACILITY, HA_debug...). */
  extraEnv?: Record<string, string> | undefined;
}

/** The installed layout (Debian): /usr/lib/ocf, /etc/ha.d/resource.d then /etc/init.d. */
export const defaultResolveOptions = (node: string): ResolveOptions => ({
  node,
  ocfRoot: '/usr/lib/ocf',
  v1Dirs: ['/etc/ha.d/resource.d', '/etc/init.d'],
  haDir: '/etc/ha.d',
  stateDir: '/run/resource-agents',
  path: '/usr/sbin:/usr/bin:/sbin:/bin',
});

/** How to read an action's exit: an OCF code; a v1 start/stop (0 or failure); a v1 status (stdout). */
export type ExitReading = 'ocf' | 'v1-exit' | 'v1-status';

/** One executable call, ready to run. */
export interface Invocation {
  file: string;
  args: string[];
  env: Record<string, string>;
  reading: ExitReading;
  /** OCF_RESOURCE_INSTANCE (or the v1 script's name), for logs and state. */
  instance: string;
}

/** A resolution: the call, or the OCF code and sentence to answer without running anything. */
export type Resolution = { ok: true; invocation: Invocation } | { ok: false; code: number; reason: string };

/** The paths heartbeat would try for a v1 script, in order. */
export const v1ScriptCandidates = (name: string, dirs: readonly string[]): string[] =>
  name.includes('/') || name === '' || name === '.' || name === '..' ? [] : dirs.map((d) => join(d, name));

/** The path of an OCF agent. */
export const ocfAgentPath = (spec: Extract<ResourceSpec, { kind: 'ocf' }>, ocfRoot: string): string =>
  join(ocfRoot, 'resource.d', spec.provider, spec.type);

const safe = (s: string): string => s.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * OCF_RESOURCE_INSTANCE: postgresql_<pgdata> for the postgresql agent (the name its v1 form uses, so
 * its state files are the same whichever manager ran it); <type>_<ip or first value> for other OCF
 * agents (as heartbeat's OCF wrappers name them); the script name for v1 scripts.
 */
export const instanceName = (spec: ResourceSpec): string => {
  if (isPostgresqlResource(spec)) return `postgresql_${safe(postgresqlParams(spec)['pgdata'] ?? '')}`;
  if (spec.kind === 'v1') return spec.name;
  const key = spec.params['ip'] ?? Object.values(spec.params)[0];
  return key === undefined || key === '' ? spec.type : `${spec.type}_${safe(key)}`;
};

/** OCF_RESKEY_CRM_meta_<k> for each meta attribute. */
export const metaEnv = (meta: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(meta).map(([k, v]) => [`OCF_RESKEY_CRM_meta_${k}`, v]));

const V1_ACTIONS: Partial<Record<ResourceAction, { arg: string; reading: ExitReading }>> = {
  start: { arg: 'start', reading: 'v1-exit' },
  stop: { arg: 'stop', reading: 'v1-exit' },
  status: { arg: 'status', reading: 'v1-status' },
  monitor: { arg: 'status', reading: 'v1-status' },
};

const ocfCall = (file: string, spec: ResourceSpec, params: Record<string, string>, action: ResourceAction, timeoutMs: number, o: ResolveOptions): Resolution => {
  const bad = Object.keys(params).find((k) => !/^[A-Za-z0-9_]+$/.test(k));
  if (bad !== undefined) return { ok: false, code: OCF_ERR_CONFIGURED, reason: `Invalid parameter name ${quoteValue(bad)} in ${spec.text}: use letters, digits and _` };
  const instance = instanceName(spec);
  const env: Record<string, string> = {
    PATH: o.path,
    OCF_ROOT: o.ocfRoot,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: instance,
    OCF_RESOURCE_TYPE: spec.kind === 'ocf' ? spec.type : 'postgresql',
    OCF_RESOURCE_PROVIDER: spec.kind === 'ocf' ? spec.provider : 'pgbeat',
    OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
    HA_RSCTMP: o.stateDir,
    ...o.extraEnv,
  };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  Object.assign(env, metaEnv({ timeout: String(Math.max(1, Math.round(timeoutMs))) }));
  if (isPostgresqlResource(spec)) Object.assign(env, metaEnv(promotableMeta(o.node)));
  return { ok: true, invocation: { file, args: [action], env, reading: 'ocf', instance } };
};

/**
 * The call for `action` on `spec`. `v1Script` is where io/script-lookup.ts found a v1 script (or
 * undefined). The postgresql agent always runs in OCF form as a promotable clone; other v1 scripts
 * run as `script arg1 arg2 ... action` and know only start, stop and status (monitor = status).
 */
export const resolveInvocation = (
  spec: ResourceSpec,
  action: ResourceAction,
  timeoutMs: number,
  o: ResolveOptions,
  v1Script: string | undefined,
): Resolution => {
  if (spec.kind === 'ocf') {
    const params = isPostgresqlResource(spec) ? postgresqlParams(spec) : spec.params;
    return ocfCall(ocfAgentPath(spec, o.ocfRoot), spec, params, action, timeoutMs, o);
  }
  if (v1Script === undefined) {
    return { ok: false, code: missingExecutableCode(action), reason: `No executable script '${spec.name}' in ${o.v1Dirs.join(' or ')}` };
  }
  if (isPostgresqlResource(spec)) return ocfCall(v1Script, spec, postgresqlParams(spec), action, timeoutMs, o);
  const how = V1_ACTIONS[action];
  if (!how) return { ok: false, code: OCF_ERR_UNIMPLEMENTED, reason: `heartbeat v1 script ${spec.name} has no ${action} (only start, stop and status)` };
  const env: Record<string, string> = {
    PATH: o.path,
    OCF_ROOT: o.ocfRoot,
    HA_DIR: o.haDir,
    HA_FUNCS: join(o.haDir, 'shellfuncs'),
    HA_CURHOST: o.node,
    HA_RSCTMP: o.stateDir,
    ...o.extraEnv,
  };
  return { ok: true, invocation: { file: v1Script, args: [...spec.args, how.arg], env, reading: how.reading, instance: instanceName(spec) } };
};
