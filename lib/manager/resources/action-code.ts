// A finished call's OCF code: the agent's own for OCF agents, heartbeat's reading for v1 scripts.
import { OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_NOT_RUNNING, OCF_SUCCESS } from '../../ocf/exit-codes.ts';
import type { ExitReading } from './invocation.ts';
import { v1StatusCode } from './v1-status.ts';

/** What a call produced, as far as the code is concerned. */
export interface CallOutcome {
  exitCode: number | undefined;
  stdout: string;
  timedOut: boolean;
}

/**
 * The OCF code of a call. A timeout, a signal or a failure to start is OCF_ERR_GENERIC. A v1
 * start/stop is 0 or 1; a v1 status is read from stdout alone (its exit code is ignored, as heartbeat does).
 */
export const actionCode = (reading: ExitReading, o: CallOutcome): number => {
  if (o.timedOut) return OCF_ERR_GENERIC;
  if (reading === 'v1-status') return v1StatusCode(o.stdout);
  if (o.exitCode === undefined) return OCF_ERR_GENERIC;
  if (reading === 'v1-exit') return o.exitCode === 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
  return o.exitCode;
};

/**
 * The code for an action of a resource whose executable is missing: a stop succeeds and a monitor
 * says not running (missing software cannot be running: ocf-contract.md 1.2, 2.3), anything else
 * is "not installed" (5).
 */
export const missingExecutableCode = (action: string): number =>
  action === 'stop' ? OCF_SUCCESS : action === 'monitor' || action === 'status' ? OCF_NOT_RUNNING : OCF_ERR_INSTALLED;
