// OCF exit codes (resource-agents `ocf-returncodes`, Pacemaker aliases in comments).

/** Success; monitor: running (unpromoted). */
export const OCF_SUCCESS = 0;
/** Failed and nothing more specific fits; monitor: running but broken. */
export const OCF_ERR_GENERIC = 1;
/** Parameters invalid on this node (a missing path, an unknown nic). */
export const OCF_ERR_ARGS = 2;
/** Action not supported by this agent. */
export const OCF_ERR_UNIMPLEMENTED = 3;
/** Missing privilege (not root, cannot write). */
export const OCF_ERR_PERM = 4;
/** Software or file missing on this node. */
export const OCF_ERR_INSTALLED = 5;
/** Parameters invalid everywhere: fatal, the resource is stopped on every node. */
export const OCF_ERR_CONFIGURED = 6;
/** monitor only: cleanly stopped. */
export const OCF_NOT_RUNNING = 7;
/** monitor only: running and promoted [OCF_RUNNING_PROMOTED]. */
export const OCF_RUNNING_MASTER = 8;
/** monitor only: promoted but failed [OCF_FAILED_PROMOTED]. */
export const OCF_FAILED_MASTER = 9;

/** Any OCF exit code this project returns. */
export type OcfCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

const NAMES: Record<OcfCode, string> = {
  0: 'OCF_SUCCESS',
  1: 'OCF_ERR_GENERIC',
  2: 'OCF_ERR_ARGS',
  3: 'OCF_ERR_UNIMPLEMENTED',
  4: 'OCF_ERR_PERM',
  5: 'OCF_ERR_INSTALLED',
  6: 'OCF_ERR_CONFIGURED',
  7: 'OCF_NOT_RUNNING',
  8: 'OCF_RUNNING_MASTER',
  9: 'OCF_FAILED_MASTER',
};

/** The symbolic name of an exit code, for logs. */
export const codeName = (code: OcfCode): string => NAMES[code];
