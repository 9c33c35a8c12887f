// Node attribute names and values pgbeat publishes under Pacemaker (pure naming rules).

/** The resource id of an instance: a globally unique clone's `id:N` loses its `:N`. */
export const resourceId = (instance: string): string => instance.replace(/:\d+$/, '');

/** Pacemaker's promotion score attribute for a promotable clone (what crm_master sets). */
export const promotionAttribute = (instance: string): string => `master-${resourceId(instance)}`;

/** A pgbeat attribute of this resource, e.g. `pgbeat-pgsql-lsn`. */
export const pgbeatAttribute = (instance: string, what: string): string => `pgbeat-${resourceId(instance)}-${what}`;

/** Pacemaker treats scores at or beyond one million as infinite; keep ours well inside. */
export const clampScore = (score: number): number => Math.max(-1_000_000, Math.min(1_000_000, Math.round(score)));
