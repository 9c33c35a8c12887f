// The seed's syslog lines: tag `db_sync`, facility daemon (notice for progress, warning and err for trouble),
// on top of the agent's own log.
import { sendSyslog } from '../../log/io/ocf-logger.ts';
import { loggerFrom, type Logger } from '../../log/logger.ts';

const PRIORITY = { debug: undefined, info: 'daemon.notice', warn: 'daemon.warning', err: 'daemon.err', crit: 'daemon.crit' } as const;

/** A Logger that writes to `log` and also sends each line (debug excepted) to syslog as `db_sync`. */
export const withSyslog = (log: Logger): Logger =>
  loggerFrom((level, message) => {
    log[level](message);
    const priority = PRIORITY[level];
    if (priority) sendSyslog('db_sync', priority, message);
  });
