// Under Pacemaker: the primary's monitor publishes promotion scores and, per standby node, whether it
// is synchronous now; a standby about to promote reads its own flag back (syncKnowledge). In the
// pre-promote notification every node publishes its timeline and WAL position; the node being
// promoted reads those of the peers it cannot reach directly. Node names are the peers' names,
// which must equal the cluster's node names (and application_name).
import { readState, statePath, writeState } from '../../ocf/io/state-dir.ts';
import { crmAttributes, type NodeAttributes } from '../../pacemaker/io/crm-attribute.ts';
import { pgbeatAttribute, promotionAttribute } from '../../pacemaker/attributes.ts';
import { standbyLags, type ReplicationRow } from '../../pg/replication-views.ts';
import { promotionScores, syncFlags } from '../scores.ts';
import { decodePosition, encodePosition } from '../published-position.ts';
import { bootstrapScore } from '../former-primary.ts';
import type { Candidate, Position } from '../../pg/promotion.ts';
import type { PgEnv } from './env.ts';
import type { Inspection } from './inspect.ts';
import { checkStalePrimary } from './stale-check.ts';

/** Whether this call comes from Pacemaker (it passes crm_feature_set and clone meta attributes). */
export const underPacemaker = (env: PgEnv): boolean =>
  env.input.ctx.reskeys['crm_feature_set'] !== undefined || env.input.ctx.meta['clone'] !== undefined;

const attributes = (env: PgEnv): NodeAttributes | undefined => (underPacemaker(env) ? crmAttributes(env.left(5_000)) : undefined);

// crm_attribute costs tens of ms a call: publish only what changed since the last monitor. The
// cache holds for one `generation` (role and timeline): other nodes write the same attributes while
// they are primary, so after a switchover and back our old values may have been overwritten, and
// everything is published again (else the scores of the previous primary stay, and Pacemaker moves
// the role back there as soon as nothing else holds it).
const publishChanged = async (env: PgEnv, attrs: NodeAttributes, values: Map<string, [string, string]>, generation: string): Promise<void> => {
  const cacheFile = statePath(env.input.ctx.stateDir, `pgbeat-postgresql-${env.input.ctx.instance}.published.json`);
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(readState(cacheFile) ?? '{}') as Record<string, string>;
  } catch {
    cache = {};
  }
  if (cache['\u0000generation'] !== generation) cache = { '\u0000generation': generation };
  for (const [key, [node, value]] of values) {
    if (cache[key] === value) continue;
    const [, name] = key.split('\u0000') as [string, string];
    const failure = await attrs.set(node, name, value);
    if (failure) env.log.warn(`cannot set ${name}=${value} on ${node}: ${failure}`);
    else cache[key] = value;
  }
  writeState(cacheFile, JSON.stringify(cache));
};

/**
 * Primary side: promotion scores for every node and a sync flag per standby node. A peer that does
 * not stream from us and answers on a newer timeline descending from ours makes us the stale side
 * (a healed partition without fencing): the score goes to it, so Pacemaker moves the primary role there.
 */
export const publishPrimaryAttributes = async (env: PgEnv, i: Inspection, rows: readonly ReplicationRow[], syncNames: string): Promise<void> => {
  const attrs = attributes(env);
  if (!attrs || i.lsn === undefined) return;
  const nodes = env.p.peers.map((p) => p.name).filter((n) => n !== env.node);
  const stale = await checkStalePrimary(env, i, new Set(rows.filter((r) => r.state === 'streaming').map((r) => r.applicationName)));
  const input = {
    self: env.node, nodes, rows, currentLsn: i.lsn, syncStandbyNames: syncNames,
    requireSync: env.p.sync_mode !== 'off', maxlag: BigInt(env.p.maxlag), newerPeers: stale?.newer ?? [],
  };
  const values = new Map<string, [string, string]>();
  const score = promotionAttribute(env.input.ctx.instance);
  const flag = pgbeatAttribute(env.input.ctx.instance, 'sync');
  for (const [node, n] of promotionScores(input)) values.set(`${node}\u0000${score}`, [node, String(n)]);
  for (const [node, f] of syncFlags(input)) values.set(`${node}\u0000${flag}`, [node, f]);
  // Replay lag per streaming standby, in bytes and whole seconds, for crm_mon -A and alerting.
  const lagName = pgbeatAttribute(env.input.ctx.instance, 'lag-bytes');
  const secondsName = pgbeatAttribute(env.input.ctx.instance, 'lag-seconds');
  for (const lag of standbyLags(rows, i.lsn)) {
    if (!nodes.includes(lag.name)) continue;
    if (lag.replayLagBytes !== undefined) values.set(`${lag.name}\u0000${lagName}`, [lag.name, String(lag.replayLagBytes)]);
    if (lag.replayLagS !== undefined) values.set(`${lag.name}\u0000${secondsName}`, [lag.name, String(Math.round(lag.replayLagS))]);
  }
  await publishChanged(env, attrs, values, `primary:${i.timeline ?? '?'}`);
};

/**
 * Standby side, with no primary streaming to it: a former primary of its timeline (a fresh cluster,
 * a whole-cluster restart) gives itself a low promotion score so Pacemaker has a node to promote;
 * the promote still checks every reachable peer first. A running primary's scores replace it.
 */
export const publishBootstrapScore = async (env: PgEnv, timeline: number): Promise<void> => {
  const attrs = attributes(env);
  if (!attrs) return;
  const name = promotionAttribute(env.input.ctx.instance);
  await publishChanged(env, attrs, new Map([[`${env.node}\u0000${name}`, [env.node, String(bootstrapScore(timeline))]]]), `standby:${timeline}`);
};

/** Standby side: whether the primary last flagged this node synchronous; undefined when nothing tells. */
export const readSyncFlag = async (env: PgEnv): Promise<boolean | undefined> => {
  const attrs = attributes(env);
  if (!attrs) return undefined;
  const v = await attrs.get(env.node, pgbeatAttribute(env.input.ctx.instance, 'sync'));
  return v === '1' ? true : v === '0' ? false : undefined;
};

const positionAttribute = (env: PgEnv): string => pgbeatAttribute(env.input.ctx.instance, 'position');

/** pre-promote: this node's timeline and WAL position, for the node being promoted. */
export const publishPosition = async (env: PgEnv, p: Position): Promise<void> => {
  const attrs = attributes(env);
  if (!attrs) return;
  const failure = await attrs.set(env.node, positionAttribute(env), encodePosition(p, Date.now() / 1000));
  if (failure) env.log.warn(`cannot publish this node's position: ${failure}`);
};

/** post-promote: the published position is spent. */
export const withdrawPosition = async (env: PgEnv): Promise<void> => {
  await attributes(env)?.remove(env.node, positionAttribute(env));
};

/** The positions `nodes` published for this promotion (fresh and well-formed ones only). */
export const readPublishedPositions = async (env: PgEnv, nodes: readonly string[]): Promise<Candidate[]> => {
  const attrs = attributes(env);
  if (!attrs || nodes.length === 0) return [];
  const now = Date.now() / 1000;
  const values = await Promise.all(nodes.map(async (n) => decodePosition(n, await attrs.get(n, positionAttribute(env)), now)));
  return values.filter((c): c is Candidate => c !== undefined);
};
