// The running primary asks the peers that do not stream from it where they stand: one on a newer
// timeline that descends from ours shows that this primary is the stale side of a healed partition
// (stalePrimary). Only peers missing from pg_stat_replication are asked, so a healthy cluster pays nothing.
import { readControlHead } from '../../pg/io/controldata.ts';
import { openReplicationSession } from '../../pg/io/peer.ts';
import { parseTimelineHistory } from '../../pg/timeline-history.ts';
import type { SideSnapshot } from '../rejoin-direction.ts';
import { stalePrimary, type StaleVerdict } from '../stale-primary.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';
import { readHistories } from './our-wal.ts';
import { PEER_CONNECT_TIMEOUT_MS } from './peers.ts';

/** A peer on a newer timeline than `timeline`, with its history; undefined when it is not, or does not answer. */
const newerPeer = async (env: PgEnv, peer: { name: string; host: string; port: number }, timeline: number): Promise<SideSnapshot | undefined> => {
  let session;
  try {
    session = await openReplicationSession({
      host: peer.host, port: peer.port, user: env.p.repuser, applicationName: `pgbeat-${env.node}`,
      connectTimeoutMs: Math.min(PEER_CONNECT_TIMEOUT_MS, env.left()), statementTimeoutMs: Math.min(2_000, env.left()),
    });
    const id = await session.identify();
    if (id.timeline <= timeline) return undefined;
    const history = parseTimelineHistory(await session.timelineHistory(id.timeline), `${peer.name}'s history of timeline ${id.timeline}`);
    return { name: peer.name, systemId: id.systemId, timeline: id.timeline, history, lsn: id.lsn, wasPrimary: !id.inHotStandby };
  } catch (e) {
    env.log.debug(`stale check: ${peer.name} (${peer.host}:${peer.port}) not asked: ${(e as Error).message}`);
    return undefined;
  } finally {
    await session?.close();
  }
};

/** Whether this running primary is stale: asks every peer not in `streaming`; logs the verdict at error level. */
export const checkStalePrimary = async (env: PgEnv, i: Inspection, streaming: ReadonlySet<string>): Promise<StaleVerdict | undefined> => {
  const peers = env.p.peers.filter((p) => p.name !== env.node && !streaming.has(p.name));
  const head = readControlHead(env.p.pgdata);
  if (peers.length === 0 || !head || i.timeline === undefined || i.lsn === undefined) return undefined;
  if (env.p.repl_passfile) process.env['PGPASSFILE'] = env.p.repl_passfile;
  const answers = await Promise.all(peers.map((p) => newerPeer(env, p, i.timeline!)));
  const newer = answers.filter((a): a is SideSnapshot => a !== undefined);
  if (newer.length === 0) return undefined;
  const ours: SideSnapshot = {
    name: env.node, systemId: head.systemIdentifier, timeline: i.timeline, history: readHistories(env).get(i.timeline) ?? [], lsn: i.lsn, wasPrimary: true,
  };
  const verdict = stalePrimary(ours, newer);
  if (verdict) env.log.err(verdict.reason);
  return verdict;
};
