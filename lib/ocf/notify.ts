// Pacemaker clone notifications: OCF_RESKEY_CRM_meta_notify_* -> a plain record.

/** What a notify call is about. */
export interface Notification {
  type: 'pre' | 'post' | undefined;
  operation: 'start' | 'stop' | 'promote' | 'demote' | undefined;
  /** Node names (unames) per set: start, stop, promote, demote, active, promoted, unpromoted. */
  unames: Record<'start' | 'stop' | 'promote' | 'demote' | 'active' | 'promoted' | 'unpromoted', string[]>;
}

// Lists are whitespace-separated; an empty list arrives as a single space.
const list = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);

/** Reads the notify meta attributes (keys without the OCF_RESKEY_CRM_meta_ prefix). */
export const parseNotification = (meta: Readonly<Record<string, string>>): Notification => {
  const type = meta['notify_type'];
  const op = meta['notify_operation'];
  const uname = (set: string, legacy?: string): string[] =>
    list(meta[`notify_${set}_uname`] ?? (legacy ? meta[`notify_${legacy}_uname`] : undefined));
  return {
    type: type === 'pre' || type === 'post' ? type : undefined,
    operation: op === 'start' || op === 'stop' || op === 'promote' || op === 'demote' ? op : undefined,
    unames: {
      start: uname('start'),
      stop: uname('stop'),
      promote: uname('promote'),
      demote: uname('demote'),
      active: uname('active'),
      promoted: uname('promoted', 'master'),
      unpromoted: uname('unpromoted', 'slave'),
    },
  };
};
