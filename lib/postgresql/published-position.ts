// The position each node publishes as a node attribute in Pacemaker's pre-promote notification
// (PAF's pattern), so the node being promoted can compare itself with peers it cannot reach over
// a replication connection. Value: `timeline:LSN:epoch seconds`; an old value is ignored, since a
// node that died after publishing must not speak for a later promotion.
import type { Candidate, Position } from '../pg/promotion.ts';
import { formatLsn, parseLsn } from '../pg/lsn.ts';

/** How long a published position stays usable: one promotion's notifications and promote. */
export const PUBLISHED_POSITION_MAX_AGE_S = 300;

/** The attribute value for a position published at `nowS` (epoch seconds). */
export const encodePosition = (p: Position, nowS: number): string => `${p.timeline}:${formatLsn(p.lsn)}:${Math.floor(nowS)}`;

/** A node's published position, or undefined when the value is absent, malformed or too old. */
export const decodePosition = (name: string, value: string | undefined, nowS: number): Candidate | undefined => {
  const m = /^(\d+):([0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}):(\d+)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const age = nowS - Number(m[3]);
  if (age > PUBLISHED_POSITION_MAX_AGE_S || age < -PUBLISHED_POSITION_MAX_AGE_S) return undefined;
  return { name, timeline: Number(m[1]), lsn: parseLsn(m[2]!) };
};
