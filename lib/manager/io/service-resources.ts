// The core's service operations (ports.ts ServiceResources) over the haresources groups: the group
// executor for take/release/prepare, the probe for positions, and one local session to set
// synchronous_standby_names.
import type { GroupConfig } from '../config/cluster-config.ts';
import { isCleanShutdown } from '../../pg/controldata.ts';
import { connectPg, type PgTarget } from '../../pg/io/client.ts';
import { readControlHead } from '../../pg/io/controldata.ts';
import type { GroupResources } from '../resources/io/group-resources.ts';
import type { PgProbe } from '../pg/io/pg-probe.ts';
import type { Clock, OpResult, ServiceResources } from '../ports.ts';

/** What the adapter works with. */
export interface ServiceResourcesOptions {
  groups: readonly GroupConfig[];
  resources: GroupResources;
  probe: PgProbe | null;
  /** The local instance, for synchronous_standby_names (null: no postgresql resource). */
  target: PgTarget | null;
  /** Its data directory, for the final position after a stop (null: no postgresql resource). */
  pgdata: string | null;
  clock: Clock;
  /** The other node's name. */
  peer: string;
}

const fail = (reason: string): OpResult => ({ ok: false, reason });

/** The ServiceResources over every group. */
export const serviceResources = (o: ServiceResourcesOptions): ServiceResources => {
  // After a release PostgreSQL is stopped: its final position is the shutdown checkpoint in the control
  // file (the last record of a clean shutdown); after any other end (a crash) none is known.
  const position = async (): Promise<OpResult> => {
    const snap = o.probe ? await o.probe.refresh() : undefined;
    if (snap?.postmaster === 'running') return { ok: true, lsn: snap.flushLsn === undefined ? undefined : Number(snap.flushLsn), timeline: snap.timeline };
    const head = o.pgdata === null ? undefined : readControlHead(o.pgdata);
    return head !== undefined && isCleanShutdown(head.state) ? { ok: true, lsn: Number(head.checkpointLsn), timeline: head.timeline } : { ok: true };
  };
  const releaseAll = async (stopDatabase: boolean, urgent = false): Promise<OpResult> => {
    for (const g of [...o.groups].reverse()) {
      const r = await o.resources.release(g, { stopDatabase, urgent });
      if (r.verdict !== 'done') return fail(r.sentence);
    }
    return position();
  };
  // A CHECKPOINT while the service still runs leaves the shutdown checkpoint little to write, so the
  // fast stop after the address went is quick. Best effort: a failure only makes the stop slower.
  const checkpoint = async (): Promise<void> => {
    const snap = o.probe?.snapshot();
    if (o.target === null || snap?.postmaster !== 'running' || snap.role !== 'primary') return;
    const session = await connectPg(o.target);
    try {
      await session.checkpoint();
    } finally {
      await session.close();
    }
  };
  const setSync = async (standby: string | null): Promise<OpResult> => {
    if (o.target === null) return { ok: true };
    const session = await connectPg(o.target);
    try {
      await session.alterSystem('synchronous_standby_names', standby === null ? '' : `"${standby}"`);
      await session.reloadConf();
      return { ok: true, lsn: Number(await session.currentLsn()) };
    } finally {
      await session.close();
    }
  };
  return {
    async follow() {
      // Whatever an earlier run (or a stale primary) left started is stopped first: releases are
      // idempotent. A running PostgreSQL is demoted (a standby stays as it is); one that does not run
      // is "stopped" (a no-op that succeeds even on an empty data directory, which demote refuses).
      const snap = o.probe ? await o.probe.refresh() : undefined;
      const stopDatabase = snap !== undefined && snap.postmaster !== 'running';
      for (const g of [...o.groups].reverse()) {
        const r = await o.resources.release(g, { stopDatabase });
        if (r.verdict !== 'done') return fail(r.sentence);
      }
      for (const g of o.groups) {
        const r = await o.resources.prepare(g);
        if (r.verdict !== 'done') return fail(r.sentence);
      }
      return { ok: true };
    },
    async take(syncStandby, leaseUntil, { dad, peerDown }) {
      // The lease is checked right before the promotion and right before each address is added.
      const guard = (): string | null => (o.clock.now() >= leaseUntil() ? 'the lease ended' : null);
      if (guard() !== null) return fail('the lease ended before the promotion');
      const standbyRunning = o.probe?.snapshot().role === 'standby';
      // synchronous_standby_names in force from the promotion's first moment (ALTER SYSTEM works in
      // recovery; the setting bites once promoted): no commit is acknowledged without the agreed
      // standby between the promote and the set after it. A failure here is retried after the promote.
      // For no standby (SOLO) it waits for the promotion: a name left from before only holds commits
      // back until the set after it.
      if (standbyRunning && syncStandby !== null) await setSync(syncStandby).catch(() => undefined);
      for (const g of o.groups) {
        const r = await o.resources.take(g, { standbyRunning, dad, notify: false, peerDown: peerDown ? o.peer : undefined }, guard);
        if (r.verdict !== 'done') return fail(r.sentence);
      }
      const r = await setSync(syncStandby).catch((e: unknown) => fail(`synchronous_standby_names: ${(e as Error).message}`));
      // The core's next tick must see the promoted role, not a reading from before the promotion
      // (it would take the primary for one that stopped running as such and restart it again).
      await o.probe?.refresh();
      return r;
    },
    // The address goes, then PostgreSQL stops (fast) and reports its final position; it comes back as a
    // standby by the core's follow once the successor is recorded primary (a demote here, a stop and a
    // start as standby, would keep the successor waiting for the start).
    release: async (urgent) => {
      if (!urgent) await checkpoint().catch(() => undefined);
      return releaseAll(true, urgent);
    },
    setSync: (standby) => setSync(standby).catch((e: unknown) => fail((e as Error).message)),
    stop: () => releaseAll(true),
  };
};
