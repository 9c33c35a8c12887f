// Environment and argv -> the facts an action needs. Pure: the caller passes process.env and argv.

/** Everything an action learns from how it was called. */
export interface OcfContext {
  /** The action name (`start`, `monitor`, ...). */
  action: string;
  /** Called in the heartbeat v1 form `agent arg1 arg2 ... action`. */
  v1: boolean;
  /** The v1 positional arguments (empty in OCF form). */
  positional: string[];
  /** OCF_RESKEY_* parameters without the prefix, CRM_meta_* excluded. */
  reskeys: Record<string, string>;
  /** OCF_RESKEY_CRM_meta_* values, keys without the prefix (`interval`, `timeout`, `notify_type`...). */
  meta: Record<string, string>;
  /** OCF_RESOURCE_INSTANCE, or a name derived in v1 form; `default` when unset. */
  instance: string;
  /** Recurring interval in ms; 0 when absent (start, stop, probes). */
  intervalMs: number;
  /** A monitor/status without an interval: a probe, where missing pieces mean "not running". */
  isProbe: boolean;
  /** Operation timeout in ms (CRM_meta_timeout), undefined when the manager gave none. */
  timeoutMs: number | undefined;
  /** OCF_CHECK_LEVEL (or legacy OCF_RESKEY_OCF_CHECK_LEVEL): 0, 10, 20. */
  checkLevel: number;
  /** Per-boot state directory (HA_RSCTMP). */
  stateDir: string;
  /** HA_debug set and not 0. */
  debug: boolean;
  /** OCF_TRACE_RA set and not 0: log every command run. */
  trace: boolean;
  /** HA_LOGFILE, undefined for unset/none. */
  logFile: string | undefined;
  /** HA_DEBUGLOG, undefined for unset/none/the same as logFile. */
  debugLog: string | undefined;
  /** Syslog facility (HA_LOGFACILITY), undefined for unset/none. */
  logFacility: string | undefined;
  /** The exit reason prefix (OCF_EXIT_REASON_PREFIX). */
  exitReasonPrefix: string;
  /** Node name as Pacemaker knows it (CRM_meta_on_node), else undefined. */
  nodeName: string | undefined;
}

/** The default HA_RSCTMP on Debian (resource-agents ocf-directories). */
export const DEFAULT_STATE_DIR = '/run/resource-agents';

const RESKEY = 'OCF_RESKEY_';
const META = 'OCF_RESKEY_CRM_meta_';

const unlessNone = (v: string | undefined): string | undefined =>
  v === undefined || v === '' || v === 'none' || v === '/dev/null' ? undefined : v;

const intOr = (v: string | undefined, fallback: number): number => {
  if (v === undefined || !/^\d+$/.test(v)) return fallback;
  return Number(v);
};

/**
 * Builds the context from argv (the arguments after the script path) and the environment.
 * `agent ACTION` is the OCF form; `agent a1 a2 ... ACTION` is heartbeat v1.
 */
export const parseContext = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OcfContext => {
  const action = argv.length === 0 ? '' : argv[argv.length - 1]!;
  const positional = argv.slice(0, -1);
  const reskeys: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith(META)) meta[key.slice(META.length)] = value;
    else if (key.startsWith(RESKEY)) reskeys[key.slice(RESKEY.length)] = value;
  }
  const intervalMs = intOr(meta['interval'], 0);
  const timeout = meta['timeout'];
  const logFile = unlessNone(env['HA_LOGFILE'] ?? env['PCMK_LOGFILE']);
  const debugLog = unlessNone(env['HA_DEBUGLOG'] ?? env['PCMK_DEBUGLOG']);
  // As ocf-shellfuncs: an empty OCF_CHECK_LEVEL falls back to the legacy OCF_RESKEY_ spelling.
  const checkLevelRaw = env['OCF_CHECK_LEVEL'] || reskeys['OCF_CHECK_LEVEL'];
  delete reskeys['OCF_CHECK_LEVEL'];
  return {
    action,
    v1: positional.length > 0,
    positional,
    reskeys,
    meta,
    instance: env['OCF_RESOURCE_INSTANCE'] || 'default',
    intervalMs,
    isProbe: (action === 'monitor' || action === 'status') && intervalMs === 0,
    timeoutMs: timeout !== undefined && /^\d+$/.test(timeout) && Number(timeout) > 0 ? Number(timeout) : undefined,
    checkLevel: intOr(checkLevelRaw, 0),
    stateDir: env['HA_RSCTMP'] || DEFAULT_STATE_DIR,
    debug: env['HA_debug'] !== undefined && env['HA_debug'] !== '' && env['HA_debug'] !== '0',
    trace: env['OCF_TRACE_RA'] !== undefined && env['OCF_TRACE_RA'] !== '' && env['OCF_TRACE_RA'] !== '0',
    logFile,
    debugLog: debugLog === logFile ? undefined : debugLog,
    logFacility: unlessNone(env['HA_LOGFACILITY'] ?? env['PCMK_LOGFACILITY']),
    exitReasonPrefix: env['OCF_EXIT_REASON_PREFIX'] || 'ocf-exit-reason:',
    nodeName: meta['on_node'] || undefined,
  };
};

/**
 * A time budget for internal waits: a fraction of the manager's timeout (so the agent fails
 * cleanly before Pacemaker's SIGKILL), or the fallback when none was given.
 */
export const budgetMs = (ctx: Pick<OcfContext, 'timeoutMs'>, fallbackMs: number, share = 0.8): number =>
  ctx.timeoutMs === undefined ? fallbackMs : Math.max(500, Math.floor(ctx.timeoutMs * share));
