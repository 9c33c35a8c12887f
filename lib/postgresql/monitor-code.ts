// What monitor answers for each instance state, in each run mode.
import {
  OCF_ERR_GENERIC, OCF_FAILED_MASTER, OCF_NOT_RUNNING, OCF_RUNNING_MASTER, OCF_SUCCESS, type OcfCode,
} from '../ocf/exit-codes.ts';
import type { InstanceClassification } from '../pg/instance-state.ts';

/** An exit code, and the reason when it is a failure. */
export interface MonitorAnswer {
  code: OcfCode;
  reason?: string | undefined;
}

/**
 * Promotable: 8 primary, 0 standby, 7 cleanly stopped, 9 crashed primary, 1 crashed standby or
 * anything in doubt. Primitive ("started = the primary runs here"): 0 primary, 1 crashed primary
 * (in doubt: never 7), 7 otherwise.
 */
export const monitorAnswer = (mode: 'promotable' | 'primitive', c: InstanceClassification): MonitorAnswer => {
  const fail = (code: OcfCode): MonitorAnswer => ({ code, reason: c.reason });
  if (mode === 'primitive') {
    switch (c.state) {
      case 'primary': return { code: OCF_SUCCESS };
      case 'crashed-primary':
      case 'unknown': return fail(OCF_ERR_GENERIC);
      default: return { code: OCF_NOT_RUNNING };
    }
  }
  switch (c.state) {
    case 'primary': return { code: OCF_RUNNING_MASTER };
    case 'standby': return { code: OCF_SUCCESS };
    case 'stopped':
    case 'stopped-standby': return { code: OCF_NOT_RUNNING };
    case 'crashed-primary': return fail(OCF_FAILED_MASTER);
    default: return fail(OCF_ERR_GENERIC);
  }
};
