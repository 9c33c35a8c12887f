// haresources as heartbeat's ResourceManager reads it: `#` comments, `\` continuation, one group per
// logical line `<preferred node> <resource>...`, the first field lowercased, the group key being the first
// resource as written. Resources: `Name`, `Name::a1::a2`, a bare IPv4 (IPaddr::token), and pgbeat's
// `ocf:provider:type::name=value::...` for OCF agents.
import type { GroupConfig, ResourceSpec } from './cluster-config.ts';
import { ProblemList, type ConfigProblem } from './problem.ts';

/** heartbeat's bare-IP glob `[0-9]*.[0-9]*.[0-9]*.[0-9]*` (ResourceManager treats it as IPaddr::token). */
const BARE_IP = /^[0-9].*\.[0-9].*\.[0-9].*\.[0-9].*$/;
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const OCF_PART = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One resource token as a ResourceSpec, or a sentence saying why it is not one. */
export const parseResourceToken = (token: string): ResourceSpec | string => {
  if (token.startsWith('ocf:')) {
    const [head, ...pairs] = token.split('::');
    const parts = head!.split(':');
    if (parts.length !== 3 || !OCF_PART.test(parts[1]!) || !OCF_PART.test(parts[2]!)) {
      return `OCF resource ${JSON.stringify(token)} must read ocf:<provider>:<type>[::name=value...]`;
    }
    const params: Record<string, string> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const name = eq > 0 ? pair.slice(0, eq) : '';
      if (!PARAM_NAME.test(name)) return `OCF parameter ${JSON.stringify(pair)} in ${JSON.stringify(token)} must read name=value`;
      if (params[name] !== undefined) return `OCF parameter ${name} is given twice in ${JSON.stringify(token)}`;
      params[name] = pair.slice(eq + 1);
    }
    return { kind: 'ocf', provider: parts[1]!, type: parts[2]!, params, text: token };
  }
  if (BARE_IP.test(token)) return { kind: 'v1', name: 'IPaddr', args: [token], text: token };
  const [name, ...args] = token.split('::');
  if (!SCRIPT_NAME.test(name!)) return `resource ${JSON.stringify(token)}: ${JSON.stringify(name)} is not a script name (Name or Name::arg::arg)`;
  if (args.some((a) => a === '')) return `resource ${JSON.stringify(token)} has an empty argument (a stray ::)`;
  return { kind: 'v1', name: name!, args, text: token };
};

/**
 * Parses haresources text; `file` names it in problems. Node names are checked against ha.cf by the
 * caller (`nodes`, when given).
 */
export const parseHaresources = (text: string, file: string, nodes?: readonly string[]): { groups: GroupConfig[]; problems: ConfigProblem[] } => {
  const p = new ProblemList(file);
  const groups: GroupConfig[] = [];
  const lines = text.split('\n');
  let logical = '';
  let startLine = 0;
  const logicalLines: { text: string; line: number }[] = [];
  lines.forEach((raw, i) => {
    const body = raw.replace(/\r/g, '').replace(/#.*$/, '');
    if (logical === '') startLine = i + 1;
    if (/\\\s*$/.test(body)) {
      logical += `${body.replace(/\\\s*$/, '')} `;
      return;
    }
    logical += body;
    logicalLines.push({ text: logical, line: startLine });
    logical = '';
  });
  if (logical.trim() !== '') logicalLines.push({ text: logical, line: startLine });

  const keyLines = new Map<string, number>();
  const laterTokens: { token: string; line: number }[] = [];
  for (const { text: l, line } of logicalLines) {
    const fields = l.split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    const node = fields[0]!.toLowerCase();
    const tokens = fields.slice(1);
    if (nodes && !nodes.includes(node)) {
      p.error(line, `first field ${JSON.stringify(fields[0])} is not a node of ha.cf (${nodes.join(', ')}); a group line starts with its preferred node`);
    }
    if (tokens.length === 0) {
      p.error(line, `group of ${node} has no resources`);
      continue;
    }
    const resources: ResourceSpec[] = [];
    let ok = true;
    for (const t of tokens) {
      const r = parseResourceToken(t);
      if (typeof r === 'string') {
        p.error(line, r);
        ok = false;
      } else resources.push(r);
    }
    const key = tokens[0]!;
    const seen = keyLines.get(key.toLowerCase());
    if (seen !== undefined) p.error(line, `group key ${key} (the first resource) is already the key of the group at line ${seen}; keys must be unique`);
    else keyLines.set(key.toLowerCase(), line);
    tokens.slice(1).forEach((t) => laterTokens.push({ token: t, line }));
    if (ok) groups.push({ key, preferredNode: node, resources, at: `${file}:${line}` });
  }
  // ResourceManager finds a group by searching for " key " anywhere in a line: a key that appears as a
  // later resource of another group would match two lines.
  for (const { token, line } of laterTokens) {
    const keyLine = keyLines.get(token.toLowerCase());
    if (keyLine !== undefined && keyLine !== line) {
      p.error(line, `resource ${token} is the key of the group at line ${keyLine}; heartbeat would match both lines`);
    }
  }
  if (groups.length === 0 && !p.items.some((x) => x.severity === 'error')) p.notice(0, 'no resource groups: pgbeat will only exchange heartbeats');
  return { groups, problems: p.items };
};
