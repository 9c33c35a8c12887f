// The text of `agent usage`.
import { methodNames } from './metadata.ts';
import type { ActionAdvice } from './agent-spec.ts';

/** Usage text for both call forms. */
export const usageText = (name: string, actions: readonly ActionAdvice[], v1Args: string): string =>
  `usage: ${name} {${methodNames(actions).join('|')}}\n` +
  `       ${name} ${v1Args} {start|stop|status|monitor}   (heartbeat v1 haresources form)\n` +
  'Parameters come from OCF_RESKEY_<name> environment variables; see meta-data.\n';
