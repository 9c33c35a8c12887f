// pg_hba.conf: parse the records (quoted tokens, comma lists) and answer, for validate-all, whether a
// `replication` entry would let user U connect from address A or the local socket.
import { quoteValue } from '../ocf/quote.ts';
import { contains } from '../net/cidr.ts';
import { parseIp } from '../net/address.ts';

/** A token; quoting removes the special meaning of keywords (all, replication, +group, @file). */
export interface HbaToken {
  text: string;
  quoted: boolean;
}

/** Connection types of pg_hba.conf. */
export type HbaType = 'local' | 'host' | 'hostssl' | 'hostnossl' | 'hostgssenc' | 'hostnogssenc';

/** One record of pg_hba.conf. */
export interface HbaRule {
  line: number;
  type: HbaType;
  databases: HbaToken[];
  users: HbaToken[];
  /** host* only: CIDR, address (with `mask`), hostname, all, samehost or samenet. */
  address: string | undefined;
  mask: string | undefined;
  method: string;
  options: string[];
  text: string;
}

/** A line this parser does not evaluate (include directives, @file inclusions). */
export interface HbaUnsupported {
  line: number;
  text: string;
  why: string;
}

/** The parsed file. */
export interface HbaFile {
  file: string;
  rules: HbaRule[];
  unsupported: HbaUnsupported[];
}

const TYPES: readonly string[] = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];

/** Splits a line into fields, each a comma list of tokens; # outside quotes ends the line. */
export const hbaFields = (line: string): HbaToken[][] => {
  const fields: HbaToken[][] = [];
  let field: HbaToken[] = [];
  let cur = '';
  let quoted = false;
  let inQuote = false;
  let have = false;
  let comma = false;
  const endToken = (): void => {
    if (have) field.push({ text: cur, quoted });
    cur = '';
    quoted = false;
    have = false;
  };
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (c === undefined || (!inQuote && (c === '#' || /\s/.test(c)))) {
      endToken();
      if (field.length > 0 && !comma) {
        fields.push(field);
        field = [];
      }
      if (c === undefined || c === '#') break;
    } else if (c === '"') {
      if (inQuote && line[i + 1] === '"') cur += line[++i];
      else inQuote = !inQuote;
      quoted = true;
      have = true;
      comma = false;
    } else if (c === ',' && !inQuote) {
      endToken();
      comma = true;
    } else {
      cur += c;
      have = true;
      comma = false;
    }
  }
  if (field.length > 0) fields.push(field);
  return fields;
};

const single = (f: HbaToken[] | undefined): string | undefined => (f?.length === 1 ? f[0]!.text : undefined);

/** Parses one record line; returns a rule or an unsupported entry; throws SyntaxError when malformed. */
const parseRecord = (fields: HbaToken[][], line: number, text: string, where: string): HbaRule | HbaUnsupported => {
  const type = single(fields[0]) ?? '';
  if (/^include(_if_exists|_dir)?$/.test(type)) return { line, text, why: `'${type}' directives are not followed` };
  if (!TYPES.includes(type)) throw new SyntaxError(`Cannot parse ${where}: invalid connection type ${quoteValue(type)}`);
  const [, databases, users, ...rest] = fields;
  if (!databases || !users) throw new SyntaxError(`Cannot parse ${where}: expected database and user fields`);
  let address: string | undefined;
  let mask: string | undefined;
  if (type !== 'local') {
    address = single(rest.shift());
    if (address === undefined) throw new SyntaxError(`Cannot parse ${where}: missing address for ${quoteValue(type)}`);
    const next = single(rest[0]);
    if (!address.includes('/') && parseIp(address) && next !== undefined && parseIp(next)) {
      mask = next;
      rest.shift();
    }
  }
  const method = single(rest.shift());
  if (method === undefined) throw new SyntaxError(`Cannot parse ${where}: missing authentication method`);
  const options = rest.map((f) => f.map((t) => t.text).join(','));
  if ([...databases, ...users].some((t) => !t.quoted && t.text.startsWith('@'))) {
    return { line, text, why: '@file inclusions are not followed' };
  }
  return { line, type: type as HbaType, databases, users, address, mask, method, options, text };
};

/** Parses pg_hba.conf text; throws SyntaxError with file:line on a malformed record. */
export const parsePgHba = (text: string, file = 'pg_hba.conf'): HbaFile => {
  const out: HbaFile = { file, rules: [], unsupported: [] };
  text.split('\n').forEach((raw, i) => {
    const fields = hbaFields(raw);
    if (fields.length === 0) return;
    const r = parseRecord(fields, i + 1, raw.trim(), `${file}:${i + 1}`);
    if ('type' in r) out.rules.push(r);
    else out.unsupported.push(r);
  });
  return out;
};

/** Where the replication connection comes from. */
export type HbaSource = { local: true } | { local?: false; address: string; ssl?: boolean };

type Match = 'yes' | 'no' | 'maybe';

const both = (a: Match, b: Match): Match => (a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes');

const anyOf = (tokens: readonly HbaToken[], one: (t: HbaToken) => Match): Match =>
  tokens.map(one).reduce<Match>((acc, m) => (acc === 'yes' || m === 'yes' ? 'yes' : acc === 'maybe' || m === 'maybe' ? 'maybe' : 'no'), 'no');

// `all` does not match replication connections: only the unquoted keyword does.
const databaseMatch = (t: HbaToken): Match => (!t.quoted && t.text === 'replication' ? 'yes' : 'no');

// PostgreSQL 16+ reads /regex user names; an invalid pattern is left undecided.
const regexMatch = (pattern: string, user: string): Match => {
  try {
    return new RegExp(pattern).test(user) ? 'yes' : 'no';
  } catch {
    return 'maybe';
  }
};

const userMatch = (user: string) => (t: HbaToken): Match => {
  if (!t.quoted && t.text === 'all') return 'yes';
  if (!t.quoted && t.text.startsWith('+')) return 'maybe';
  if (!t.quoted && t.text.startsWith('/')) return regexMatch(t.text.slice(1), user);
  return t.text === user ? 'yes' : 'no';
};

const prefixOf = (mask: string): number | undefined => {
  const ip = parseIp(mask);
  if (!ip) return undefined;
  const bits = ip.bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.replace(/0+$/, '').length : undefined;
};

const addressMatch = (rule: HbaRule, from: string): Match => {
  const a = rule.address!;
  if (a === 'all') return 'yes';
  const [net, len] = a.includes('/') ? a.split('/') : [a, undefined];
  const netIp = parseIp(net!);
  const client = parseIp(from);
  if (!netIp) return 'maybe'; // samehost, samenet, a host name: needs the server's view
  if (!client || client.family !== netIp.family) return 'no';
  const prefix = len !== undefined ? Number(len) : rule.mask ? prefixOf(rule.mask) : netIp.bytes.length * 8;
  return prefix === undefined ? 'maybe' : contains(netIp, prefix, client) ? 'yes' : 'no';
};

const typeMatch = (type: HbaType, src: HbaSource): Match => {
  if (src.local) return type === 'local' ? 'yes' : 'no';
  if (type === 'local' || type === 'hostgssenc') return 'no';
  if (type === 'hostssl') return src.ssl ? 'yes' : 'no';
  if (type === 'hostnossl') return src.ssl ? 'no' : 'yes';
  return 'yes';
};

const ruleMatch = (rule: HbaRule, user: string, src: HbaSource): Match => {
  const type = typeMatch(rule.type, src);
  if (type === 'no') return 'no';
  const address = src.local ? 'yes' : addressMatch(rule, src.address);
  return [type, anyOf(rule.databases, databaseMatch), anyOf(rule.users, userMatch(user)), address].reduce(both);
};

/** The answer: the first rule that matches, and earlier rules whose match could not be decided here. */
export interface HbaVerdict {
  verdict: 'allowed' | 'rejected' | 'no-entry';
  rule: HbaRule | undefined;
  undecided: HbaRule[];
  reason: string;
}

/** Whether a replication connection by `user` from `src` would find an entry (first match wins, as in the server). */
export const checkReplicationAccess = (hba: HbaFile, user: string, src: HbaSource): HbaVerdict => {
  const from = src.local ? 'the local socket' : `${src.address}${src.ssl ? ' over SSL' : ''}`;
  const undecided: HbaRule[] = [];
  const note = (first = ''): string =>
    undecided.length ? ` (lines ${undecided.map((r) => r.line).join(', ')} might match${first}: group, host name and samehost/samenet entries are not evaluated)` : '';
  for (const rule of hba.rules) {
    const m = ruleMatch(rule, user, src);
    if (m === 'maybe') undecided.push(rule);
    if (m !== 'yes') continue;
    const verdict = rule.method === 'reject' ? 'rejected' : 'allowed';
    const what = verdict === 'rejected' ? 'rejects' : `allows (${rule.method})`;
    return { verdict, rule, undecided, reason: `${hba.file}:${rule.line} ${quoteValue(rule.text)} ${what} replication for user ${user} from ${from}${note(' first')}` };
  }
  const skipped = hba.unsupported.length ? `; not followed: ${hba.unsupported.map((u) => `line ${u.line} (${u.why})`).join(', ')}` : '';
  return { verdict: 'no-entry', rule: undefined, undecided, reason: `no replication entry in ${hba.file} matches user ${user} from ${from}${note()}${skipped}` };
};
