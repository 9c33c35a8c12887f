// The logging port every module writes to; sinks live in lib/log/io.
import type { LogLevel } from './format.ts';

/** Where agents and the manager write their log lines. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  err(message: string): void;
  crit(message: string): void;
}

/** A Logger that routes every level through one function. */
export const loggerFrom = (write: (level: LogLevel, message: string) => void): Logger => ({
  debug: (m) => write('debug', m),
  info: (m) => write('info', m),
  warn: (m) => write('warn', m),
  err: (m) => write('err', m),
  crit: (m) => write('crit', m),
});

/** A Logger that drops everything (for pure code under test). */
export const silentLogger: Logger = loggerFrom(() => undefined);
