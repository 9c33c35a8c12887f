// The resource monitor: every monitor interval, the groups this node holds are checked through the
// group executor (a failure is restarted in place up to its limit); when a group must fail over, the
// core is asked to hand the service to the peer (it does so only to a synchronous standby that streams).
import type { GroupConfig } from '../config/cluster-config.ts';
import type { GroupResources } from '../resources/io/group-resources.ts';
import type { Daemon } from './daemon.ts';

/** Starts monitoring; returns the function that stops it. */
export const startGroupMonitor = (o: {
  groups: readonly GroupConfig[];
  resources: GroupResources;
  daemon: Daemon;
  intervalMs: number;
  log: (level: 'info' | 'warn', line: string) => void;
}): (() => void) => {
  let running = false;
  const round = async (): Promise<void> => {
    const st = o.daemon.status();
    if (!st.holding || st.op !== null) return;
    for (const g of o.groups) {
      const r = await o.resources.check(g, true);
      if (r.result === 'healthy') continue;
      if (r.result === 'deferred') { o.log('info', `Group ${g.key}: ${r.sentence}`); continue; }
      o.log(r.result === 'restarted' ? 'info' : 'warn', `Group ${g.key}: ${r.sentence}`);
      if (r.result === 'fail-over' || r.result === 'needs-fencing') {
        o.log('warn', `Group ${g.key} cannot run here: handing the service to the peer.`);
        await o.daemon.command('standby', 0);
        return;
      }
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void round().catch((e: unknown) => o.log('warn', `Monitor round failed: ${(e as Error).message}`)).finally(() => { running = false; });
  }, o.intervalMs);
  return () => clearInterval(timer);
};
