// Ask the other instances where they stand (role, timeline, WAL position) over a replication
// connection: the channel that works under every manager, the classic heartbeat included.
import type { PeerReport } from '../../pg/promotion.ts';
import { classifyPeerError } from '../../pg/peer-failure.ts';
import { PgConnectError } from '../../pg/connect-error.ts';
import { openReplicationSession } from '../../pg/io/peer.ts';
import type { PgEnv } from './env.ts';
import type { StoppedPeer } from '../stopped-peers.ts';

/** How long a peer has to accept the connection. */
export const PEER_CONNECT_TIMEOUT_MS = 1_000;

/**
 * Reports from every configured peer, asked in parallel; one that did not answer says why
 * (unreachable or unknown). A peer in `known` (its server proved stopped, stopped-peers.ts) is not
 * asked: it is reported unreachable with the evidence, so a dead address costs no connect timeout.
 */
export const askPeers = async (env: PgEnv, timeoutMs = 2_000, known: readonly StoppedPeer[] = []): Promise<PeerReport[]> => {
  if (env.p.repl_passfile) process.env['PGPASSFILE'] = env.p.repl_passfile;
  const peers = env.p.peers.filter((peer) => peer.name !== env.node);
  return Promise.all(
    peers.map(async (peer): Promise<PeerReport> => {
      const stopped = known.find((k) => k.name === peer.name);
      if (stopped) {
        env.log.info(`peer ${peer.name} (${peer.host}:${peer.port}) not asked: ${stopped.evidence}`);
        return { name: peer.name, reachable: false, stopped: stopped.evidence };
      }
      let session;
      try {
        session = await openReplicationSession({
          host: peer.host,
          port: peer.port,
          user: env.p.repuser,
          applicationName: `pgbeat-${env.node}`,
          // A live peer on the replication network answers in milliseconds; a dead one never does,
          // and its timeout is part of every failover.
          connectTimeoutMs: Math.min(PEER_CONNECT_TIMEOUT_MS, timeoutMs, env.left()),
          statementTimeoutMs: Math.min(timeoutMs, env.left()),
        });
        const id = await session.identify();
        return { name: peer.name, reachable: true, role: id.inHotStandby ? 'standby' : 'primary', timeline: id.timeline, lsn: id.lsn };
      } catch (e) {
        const error = (e as Error).message;
        const kind = classifyPeerError({ phase: e instanceof PgConnectError ? 'connect' : 'query', code: (e as { code?: string }).code, message: error });
        // Nothing listening is the expected face of a dead peer; a live one that would not answer is not.
        if (kind === 'unreachable') env.log.info(`peer ${peer.name} (${peer.host}:${peer.port}) not reachable: ${error}`);
        else env.log.err(`peer ${peer.name} (${peer.host}:${peer.port}) runs but could not be asked where it stands: ${error}`);
        return { name: peer.name, reachable: false, failure: { kind, error } };
      } finally {
        await session?.close();
      }
    }),
  );
};

/** One line per peer for logs. */
export const describePeers = (reports: readonly PeerReport[]): string =>
  reports
    .map((r) => {
      if (r.reachable) return `${r.name}: ${r.role} tl ${r.timeline}`;
      if (r.stopped !== undefined) return `${r.name}: stopped (not asked)`;
      return `${r.name}: ${r.failure?.kind === 'unknown' ? 'unknown (could not be asked)' : 'unreachable'}`;
    })
    .join(', ') || 'no peers configured';
