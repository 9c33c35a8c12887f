// OCF_TRACE_RA: when set, every command an agent runs is logged with its outcome and duration.
import type { CommandResult } from '../result.ts';

let sink: ((line: string) => void) | undefined;

/** Turns command tracing on (with a line sink) or off (undefined). */
export const setCommandTrace = (write: ((line: string) => void) | undefined): void => {
  sink = write;
};

/** Reports one finished command to the trace sink, if tracing is on. */
export const traceCommand = (r: CommandResult): CommandResult => {
  if (sink) {
    const how = r.timedOut ? 'timed out' : r.signal ? `signal ${r.signal}` : `exit ${r.exitCode ?? '?'}`;
    sink(`trace: ${r.command} -> ${how} in ${Math.round(r.durationMs)} ms`);
  }
  return r;
};
