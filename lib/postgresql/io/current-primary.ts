// The running primary a stopped instance would follow: primary_host first (normally the virtual IP),
// then each peer, over the replication connection standbys already use.
import type { Lsn } from '../../pg/lsn.ts';
import { parseTimelineHistory, type HistoryEntry } from '../../pg/timeline-history.ts';
import { openReplicationSession } from '../../pg/io/peer.ts';
import { PgConnectError } from '../../pg/connect-error.ts';
import { classifyPeerError } from '../../pg/peer-failure.ts';
import type { PgEnv } from './env.ts';

/** The running primary found through primary_host or the peers. */
export interface CurrentPrimary {
  /** 'primary_host' or the peer's name. */
  name: string;
  host: string;
  port: number;
  systemId: string;
  timeline: number;
  /** Flushed WAL position when asked. */
  lsn: Lsn;
  /** Its timeline's history (empty on timeline 1). */
  history: HistoryEntry[];
}

/** Where findCurrentPrimary looks, in order, without duplicates and without this node. */
export const primaryCandidates = (env: PgEnv): { name: string; host: string; port: number }[] => {
  const all = [
    ...(env.p.primary_host ? [{ name: 'primary_host', host: env.p.primary_host, port: env.p.primary_port }] : []),
    ...env.p.peers.filter((p) => p.name !== env.node),
  ];
  return all.filter((c, i) => all.findIndex((d) => d.host === c.host && d.port === c.port) === i);
};

/** The first candidate that answers as a primary (in_hot_standby off), with its timeline history; else undefined. */
export const findCurrentPrimary = async (env: PgEnv): Promise<CurrentPrimary | undefined> => {
  if (env.p.repl_passfile) process.env['PGPASSFILE'] = env.p.repl_passfile;
  for (const c of primaryCandidates(env)) {
    let session;
    try {
      session = await openReplicationSession({
        host: c.host, port: c.port, user: env.p.repuser, applicationName: `pgbeat-${env.node}`,
        connectTimeoutMs: Math.min(2_000, env.left()), statementTimeoutMs: Math.min(5_000, env.left()),
      });
      const id = await session.identify();
      if (id.inHotStandby) {
        env.log.debug(`rejoin: ${c.name} (${c.host}:${c.port}) is a standby on timeline ${id.timeline}`);
        continue;
      }
      const text = id.timeline > 1 ? await session.timelineHistory(id.timeline) : '';
      const history = parseTimelineHistory(text, `${c.name}'s history of timeline ${id.timeline}`);
      return { ...c, systemId: id.systemId, timeline: id.timeline, lsn: id.lsn, history };
    } catch (e) {
      // A server that runs but will not answer may be the primary we cannot check against: say so louder.
      const kind = classifyPeerError({ phase: e instanceof PgConnectError ? 'connect' : 'query', code: (e as { code?: string }).code, message: (e as Error).message });
      (kind === 'unknown' ? env.log.warn : env.log.info)(`rejoin: ${c.name} (${c.host}:${c.port}) not usable: ${(e as Error).message}`);
    } finally {
      await session?.close();
    }
  }
  return undefined;
};
