// ocf_log's destinations: syslog through logger(1), HA_LOGFILE, HA_DEBUGLOG, else stderr.
import { writeErr } from './out.ts';
import { appendFileSync, readlinkSync } from 'node:fs';
import { fileLine, haDate, levelLine, logTag, oneLine, syslogPriority, type LogLevel } from '../format.ts';
import { loggerFrom, type Logger } from '../logger.ts';

/** Settings the OCF context provides. */
export interface OcfLogSettings {
  agent: string;
  instance: string;
  debug: boolean;
  logFile: string | undefined;
  debugLog: string | undefined;
  logFacility: string | undefined;
  /** stderr is the operator's terminal: log there only (ocf_log's tty rule). */
  interactive: boolean;
}

const append = (path: string, text: string): void => {
  try {
    appendFileSync(path, text);
  } catch {
    // A log file we cannot write must never fail an action.
  }
};

// logger(1) runs detached so a slow syslog never delays the action; the child outlives us if needed.
/** Sends one line to syslog with logger(1) (`-t tag -p facility.priority`), detached and best effort. */
export const sendSyslog = (tag: string, priority: string, text: string): void => {
  try {
    // Loaded on first use: node:child_process costs a few ms a start, and most calls log nothing.
    const child = process.getBuiltinModule('node:child_process').spawn('logger', ['-t', tag, '-p', priority, text], {
      stdio: 'ignore',
      detached: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No logger(1): syslog is best effort.
  }
};

const toSyslog = (facility: string, tag: string, level: LogLevel, message: string): void =>
  sendSyslog(tag, `${facility}.${syslogPriority(level)}`, levelLine(level, message));

/** Whether stdin is a terminal (ocf_log's test), without loading node:tty. */
export const stdinIsTerminal = (): boolean => {
  try {
    return /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(readlinkSync('/proc/self/fd/0'));
  } catch {
    return false;
  }
};

/** Builds the agent logger the way ocf_log picks destinations. */
export const createOcfLogger = (s: OcfLogSettings): Logger => {
  const tag = logTag(s.agent, s.instance, process.pid);
  return loggerFrom((level, raw) => {
    if (level === 'debug' && !s.debug) return;
    const message = oneLine(raw);
    const now = new Date();
    if (s.interactive) {
      writeErr(`${tag}: ${levelLine(level, message)}\n`);
      return;
    }
    if (s.logFacility) toSyslog(s.logFacility, tag, level, message);
    if (s.logFile) append(s.logFile, fileLine(now, tag, level, message));
    if (!s.logFacility && !s.logFile) writeErr(`${haDate(now)}${levelLine(level, message)}\n`);
    if (s.debugLog) append(s.debugLog, `${tag}:\t${haDate(now)}${levelLine(level, message)}\n`);
  });
};
