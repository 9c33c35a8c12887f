// synchronous_standby_names: parse and render its syntax, compute the value the primary wants from
// pg_stat_replication under sync_mode off | fallback | strict, and tell which standbys are truly synchronous.
import { quoteValue } from '../ocf/quote.ts';
import type { ReplicationRow } from './replication-views.ts';

/** What the primary does about synchronous replication. */
export type SyncMode = 'off' | 'fallback' | 'strict';

/** A parsed synchronous_standby_names: `FIRST n (names)` or `ANY n (names)`; a plain list is FIRST 1. */
export interface SyncStandbySpec {
  method: 'first' | 'any';
  num: number;
  /** As written; '*' stands for any standby. Matching is case-insensitive. */
  names: string[];
}

type Token = { kind: 'name' | 'quoted' | 'num' | 'punct'; text: string };

const tokenize = (value: string): Token[] => {
  const out: Token[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|(\d+)(?![\w$])|([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)|([(),*]))/y;
  let at = 0;
  for (;;) {
    re.lastIndex = at;
    const m = re.exec(value);
    if (m === null) break;
    if (m[1] !== undefined) out.push({ kind: 'quoted', text: m[1].replace(/""/g, '"') });
    else if (m[2] !== undefined) out.push({ kind: 'num', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'name', text: m[3] });
    else out.push({ kind: 'punct', text: m[4]! });
    at = re.lastIndex;
  }
  if (value.slice(at).trim() !== '') throw new SyntaxError(`Cannot parse synchronous_standby_names ${quoteValue(value)}: unexpected ${quoteValue(value.slice(at).trim())}`);
  return out;
};

/** Reads `name [, name ...]` from tokens; '*' and numbers are names too. */
const readNames = (tokens: Token[], value: string): string[] => {
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.text !== '*') throw new SyntaxError(`Cannot parse synchronous_standby_names ${quoteValue(value)}: expected a name, got ${quoteValue(t.text)}`);
    names.push(t.text);
    const sep = tokens[i + 1];
    if (sep !== undefined && !(sep.kind === 'punct' && sep.text === ',')) {
      throw new SyntaxError(`Cannot parse synchronous_standby_names ${quoteValue(value)}: expected ',' after ${quoteValue(t.text)}`);
    }
  }
  return names;
};

/** Parses synchronous_standby_names; undefined for '' (no synchronous replication). */
export const parseSyncStandbyNames = (value: string): SyncStandbySpec | undefined => {
  const tokens = tokenize(value);
  if (tokens.length === 0) return undefined;
  let method: 'first' | 'any' = 'first';
  let rest = tokens;
  const head = tokens[0]!;
  if (head.kind === 'name' && /^(first|any)$/i.test(head.text) && tokens[1]?.kind === 'num') {
    method = head.text.toLowerCase() as 'first' | 'any';
    rest = tokens.slice(1);
  }
  const num = rest[0]?.kind === 'num' && rest[1]?.text === '(' ? Number(rest[0].text) : undefined;
  if (num === undefined) {
    if (rest !== tokens) throw new SyntaxError(`Cannot parse synchronous_standby_names ${quoteValue(value)}: expected '(' after ${head.text.toUpperCase()} n`);
    return { method, num: 1, names: readNames(tokens, value) };
  }
  if (rest[rest.length - 1]?.text !== ')') throw new SyntaxError(`Cannot parse synchronous_standby_names ${quoteValue(value)}: missing ')'`);
  return { method, num, names: readNames(rest.slice(2, -1), value) };
};

/** Double-quotes a standby name for synchronous_standby_names (" doubled). */
export const quoteStandbyName = (name: string): string => (name === '*' ? '*' : `"${name.replace(/"/g, '""')}"`);

/** Renders a spec canonically: `FIRST 1 ("a", "b")`; '' for none. */
export const renderSyncStandbyNames = (spec: SyncStandbySpec | undefined): string =>
  spec === undefined || spec.names.length === 0
    ? ''
    : `${spec.method.toUpperCase()} ${spec.num} (${spec.names.map(quoteStandbyName).join(', ')})`;

const listed = (spec: SyncStandbySpec | undefined, name: string): boolean =>
  spec !== undefined && spec.names.some((n) => n === '*' || n.toLowerCase() === name.toLowerCase());

/** Names of the standbys in state 'streaming', without duplicates or empty names. */
export const streamingStandbys = (rows: readonly ReplicationRow[]): string[] => [
  ...new Set(rows.filter((r) => r.state === 'streaming' && r.applicationName !== '').map((r) => r.applicationName)),
];

/** Standbys that count as synchronous: listed AND streaming AND sync_state sync or quorum. */
export const synchronousStandbys = (rows: readonly ReplicationRow[], current: string): string[] => {
  let spec: SyncStandbySpec | undefined;
  try {
    spec = parseSyncStandbyNames(current);
  } catch {
    return [];
  }
  return rows
    .filter((r) => r.state === 'streaming' && (r.syncState === 'sync' || r.syncState === 'quorum') && listed(spec, r.applicationName))
    .map((r) => r.applicationName);
};

/** The value the primary wants, whether it differs from the current one, and why. */
export interface SyncDecision {
  value: string;
  changed: boolean;
  reason: string;
}

/** Streaming names ordered: those already listed keep their order (no needless change of the sync standby), new ones sorted after. */
const orderedNames = (streaming: readonly string[], spec: SyncStandbySpec | undefined): string[] => {
  const kept = (spec?.names ?? []).flatMap((n) => streaming.filter((s) => s.toLowerCase() === n.toLowerCase()));
  const fresh = streaming.filter((s) => !kept.includes(s)).sort();
  return [...new Set([...kept, ...fresh])];
};

const canonical = (value: string): string => {
  try {
    return renderSyncStandbyNames(parseSyncStandbyNames(value));
  } catch {
    return `unparseable:${value}`;
  }
};

const decide = (current: string, value: string, reason: string): SyncDecision => ({
  value,
  changed: canonical(current) !== canonical(value),
  reason,
});

/**
 * The synchronous_standby_names the primary wants: off leaves it alone; fallback lists the streaming
 * standbys as FIRST 1 (...) and clears it when none streams (writes never hang); strict lists them
 * and never clears: with none streaming it keeps the last list ('*' if there was none), so writes wait.
 */
export const wantedSyncStandbyNames = (mode: SyncMode, rows: readonly ReplicationRow[], current: string): SyncDecision => {
  if (mode === 'off') return { value: current, changed: false, reason: 'sync_mode=off: synchronous_standby_names is left as it is' };
  let spec: SyncStandbySpec | undefined;
  try {
    spec = parseSyncStandbyNames(current);
  } catch {
    spec = undefined;
  }
  const streaming = streamingStandbys(rows);
  if (streaming.length > 0) {
    const value = renderSyncStandbyNames({ method: 'first', num: 1, names: orderedNames(streaming, spec) });
    return decide(current, value, `standbys streaming: ${streaming.join(', ')}`);
  }
  if (mode === 'fallback') {
    return decide(current, '', 'no standby is streaming: synchronous replication is off until one returns, so writes do not wait (sync_mode=fallback)');
  }
  const kept = canonical(current) === '' || canonical(current).startsWith('unparseable:') ? '*' : current;
  return decide(current, kept, `no standby is streaming: keeping '${kept}' so commits wait for a standby (sync_mode=strict)`);
};
