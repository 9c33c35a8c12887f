// Pure rules of the OCF contract: which actions skip validation and what a failure becomes.
import {
  OCF_ERR_GENERIC,
  OCF_NOT_RUNNING,
  OCF_RUNNING_MASTER,
  OCF_SUCCESS,
  type OcfCode,
} from './exit-codes.ts';

/** Actions answered before any parameter is looked at. */
export const INFO_ACTIONS = new Set(['meta-data', 'usage', 'help', 'methods']);

/** Actions that only parse parameters; local checks would turn "cannot be running" into failures. */
export const LIGHT_ACTIONS = new Set(['stop', 'monitor', 'status', 'notify']);

/**
 * What a parameter error becomes for an action: stop succeeds (a resource that cannot be
 * configured cannot be running), a probe reports "not running"; everything else fails with it.
 */
export const onParamError = (action: string, isProbe: boolean, code: OcfCode): OcfCode => {
  if (action === 'stop') return OCF_SUCCESS;
  if (isProbe) return OCF_NOT_RUNNING;
  if (action === 'notify') return OCF_SUCCESS;
  return code;
};

/** Whether a code needs an exit reason line (every failure; not success, not an ordinary stop). */
export const needsReason = (action: string, code: OcfCode): boolean => {
  if (code === OCF_SUCCESS) return false;
  if ((action === 'monitor' || action === 'status') && (code === OCF_NOT_RUNNING || code === OCF_RUNNING_MASTER)) return false;
  return true;
};

/** What heartbeat v1 `status` prints: it reads stdout, not the exit code. */
export const v1StatusWord = (code: OcfCode): 'running' | 'stopped' =>
  code === OCF_SUCCESS || code === OCF_RUNNING_MASTER ? 'running' : 'stopped';

/** The exit code for an unexpected exception. */
export const UNEXPECTED = OCF_ERR_GENERIC;
