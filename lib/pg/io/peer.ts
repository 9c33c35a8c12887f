// Ask another instance where it stands over a physical replication connection (the replication user and
// pg_hba `replication` entry standbys already need): IDENTIFY_SYSTEM, SHOW in_hot_standby, TIMELINE_HISTORY.
import type { ClientConfig } from 'pg';
import { parseLsn, type Lsn } from '../lsn.ts';
import { openClient, type PgTarget } from './client.ts';

/** What a peer says about itself. */
export interface PeerIdentity {
  systemId: string;
  /** Primary: the timeline it writes; standby: the timeline it replays. */
  timeline: number;
  /** Primary: flushed WAL; standby: the further of received and replayed WAL. */
  lsn: Lsn;
  /** true on a standby, false on a primary (in_hot_standby, PG 14+). */
  inHotStandby: boolean;
}

/** A replication-protocol session; close() it when done. */
export interface ReplicationSession {
  identify(): Promise<PeerIdentity>;
  /** The content of `<tli>.history` as the peer has it. */
  timelineHistory(timeline: number): Promise<string>;
  close(): Promise<void>;
}

/** Opens a physical replication connection (replication=true) to a peer. */
export const openReplicationSession = async (t: PgTarget): Promise<ReplicationSession> => {
  // @types/pg does not declare `replication`; pg passes it in the startup packet.
  const client = await openClient(t, { replication: 'true' } as Partial<ClientConfig>);
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await client.query(sql)).rows;
  return {
    identify: async () => {
      const [id] = await rows('IDENTIFY_SYSTEM');
      const [hs] = await rows('SHOW in_hot_standby');
      if (!id) throw new Error(`IDENTIFY_SYSTEM on ${t.host}:${t.port} returned no row`);
      return {
        systemId: String(id['systemid']),
        timeline: Number(id['timeline']),
        lsn: parseLsn(String(id['xlogpos'])),
        inHotStandby: String(hs?.['in_hot_standby']) === 'on',
      };
    },
    timelineHistory: async (timeline) => {
      const [row] = await rows(`TIMELINE_HISTORY ${Math.trunc(timeline)}`);
      const content = row?.['content'];
      return Buffer.isBuffer(content) ? content.toString('utf8') : String(content ?? '');
    },
    close: () => client.end().catch(() => undefined),
  };
};
