// `pgbeat standby <group>` / `pgbeat takeover <group>`: which groups a request may name. The core
// keeps one agreed primary for the whole service (the database's group and the rest move together:
// a VIP or a script moved without the database would point clients at a standby), so one group of
// several cannot move alone: that is refused, saying why; a group that is not configured is refused
// with the list of groups. `all`, or the only group there is, moves the service.

/** What to do with the request: move the whole service, or refuse with one line. */
export type GroupRequest = { kind: 'move' } | { kind: 'refuse'; sentence: string };

/** The request `command group` against the configured groups (haresources keys, in order). */
export const groupRequest = (command: 'standby' | 'takeover', group: string, groups: readonly { key: string }[]): GroupRequest => {
  if (group === 'all') return { kind: 'move' };
  if (!groups.some((g) => g.key === group)) {
    const keys = groups.map((g) => `'${g.key}'`).join(', ');
    return { kind: 'refuse', sentence: `No group '${group}' in haresources; its groups: ${keys || 'none'} (or all).` };
  }
  if (groups.length === 1) return { kind: 'move' };
  return {
    kind: 'refuse',
    sentence: `Cannot ${command} group '${group}' alone: pgbeat moves all ${groups.length} groups together (one agreed primary for the whole service, so a group never runs apart from the database); use \`pgbeat ${command} all\`.`,
  };
};
