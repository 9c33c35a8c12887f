// One result shape for every command an agent runs, success or not.

/** What running a command produced; failures are data, not exceptions. */
export interface CommandResult {
  /** The command line as it would be typed, for logs and reasons. */
  command: string;
  /** Exit code; undefined when killed by a signal or never started. */
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** Non-zero exit, signal, timeout or spawn failure. */
  failed: boolean;
  timedOut: boolean;
  /** The program was not found or could not be started (ENOENT, EACCES). */
  notFound: boolean;
  durationMs: number;
}

/** A one-line description of why a command failed, for exit reasons. */
export const describeFailure = (r: CommandResult): string => {
  if (r.notFound) return `${r.command}: command not found`;
  if (r.timedOut) return `${r.command}: timed out after ${Math.round(r.durationMs)} ms`;
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() ?? '';
  const how = r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  return `${r.command}: ${how}${detail ? ` (${detail})` : ''}`;
};

/** Quotes an argument for display in a command line. */
export const quoteArg = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** A command line for logs. */
export const commandLine = (file: string, args: readonly string[]): string => [file, ...args].map(quoteArg).join(' ');
