// heartbeat's hb_standby and hb_takeover ([all|foreign|local|failback]) mapped onto pgbeat's standby
// and takeover. pgbeat moves every haresources group together, so a request that names any group
// this node would give (standby) or get (takeover) moves the whole service; one that names none
// does nothing. Arguments are checked as heartbeat's scripts check them (usage, exit 1).

/** The two tools. */
export type HbTool = 'hb_standby' | 'hb_takeover';

/** What to do: print usage and fail, do nothing (with why), or ask the daemon. */
export type HbRequest =
  | { kind: 'usage'; stderr: string; code: 1 }
  | { kind: 'nothing'; sentence: string }
  | { kind: 'move'; command: 'standby' | 'takeover'; note: string | null };

const usage = (tool: HbTool, first: string): HbRequest => ({ kind: 'usage', code: 1, stderr: `${first}usage:\n${tool} [all|foreign|local|failback]\n` });

/** The request `tool args` makes on node `self` of a cluster whose groups prefer these nodes. */
export const hbRequest = (tool: HbTool, args: readonly string[], self: string, groups: readonly { key: string; preferredNode: string }[]): HbRequest => {
  if (args.length >= 2) return usage(tool, `${tool}: too many arguments\n`);
  const which = args[0] ?? 'all';
  if (which === '--help') return usage(tool, '');
  if (!['all', 'foreign', 'local', 'failback'].includes(which)) return usage(tool, `${tool}: wrong resources(${which}).\n`);
  const set = which === 'failback' ? 'foreign' : which;
  const named = groups.filter((g) => set === 'all' || (set === 'local') === (g.preferredNode === self));
  const command = tool === 'hb_standby' ? 'standby' : 'takeover';
  if (named.length === 0) return { kind: 'nothing', sentence: `No ${set} resources (haresources prefers no group ${set === 'local' ? 'on this node' : 'on the other node'}): nothing to ${command === 'standby' ? 'give up' : 'take over'}.` };
  const note = named.length < groups.length ? `pgbeat moves every group together: ${command} moves all ${groups.length} groups, not only the ${set} ones.` : null;
  return { kind: 'move', command, note };
};
