// Log line shapes of ocf_log (resource-agents ocf-shellfuncs), so operators' greps keep working.

/** Severity levels with their ocf_log prefixes. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'err' | 'crit';

const PREFIX: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  err: 'ERROR',
  crit: 'CRIT',
};

const SYSLOG_PRIORITY: Record<LogLevel, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  err: 'err',
  crit: 'crit',
};

/** The tag ocf_log uses: `<agent>(<instance>)[<pid>]`. */
export const logTag = (agent: string, instance: string, pid: number): string => `${agent}(${instance})[${pid}]`;

/** `LEVEL: message` as written to syslog. */
export const levelLine = (level: LogLevel, message: string): string => `${PREFIX[level]}: ${message}`;

/** The syslog priority name of a level. */
export const syslogPriority = (level: LogLevel): string => SYSLOG_PRIORITY[level];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** HA_DATEFMT's default `%b %d %T ` rendered for a local time. */
export const haDate = (d: Date): string =>
  `${MONTHS[d.getMonth()]} ${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} `;

/** A HA_LOGFILE line: `<date> TAG:    LEVEL: msg`. */
export const fileLine = (d: Date, tag: string, level: LogLevel, message: string): string =>
  `${haDate(d)}${tag}:    ${levelLine(level, message)}\n`;

/** Collapses a multi-line message to one line (exit reasons must be one line). */
export const oneLine = (message: string): string => message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
