// Ending a background helper we started, by the PID we recorded, never by name.
import { readFileSync } from 'node:fs';

/** The argv of a running process, or undefined when it is gone. */
export const processArgv = (pid: number): string[] | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
};

/**
 * Sends SIGTERM to `pid` only if it still runs a command whose argv includes every `mustInclude`
 * word (a recycled PID belongs to someone else). Returns whether a signal was sent.
 */
export const killOwnProcess = (pid: number, mustInclude: readonly string[]): boolean => {
  const argv = processArgv(pid);
  if (!argv || !mustInclude.every((w) => argv.some((a) => a === w || a.endsWith(`/${w}`)))) return false;
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
};
