// libpq connection strings (`host=... port=... application_name=...`): render with proper quoting, parse back.
import { quoteValue } from '../ocf/quote.ts';

/** Connection fields by libpq keyword; undefined fields are left out. */
export interface ConnInfoFields {
  host?: string | undefined;
  hostaddr?: string | undefined;
  port?: number | string | undefined;
  user?: string | undefined;
  dbname?: string | undefined;
  application_name?: string | undefined;
  passfile?: string | undefined;
  password?: string | undefined;
  sslmode?: string | undefined;
  connect_timeout?: number | string | undefined;
  target_session_attrs?: string | undefined;
  [keyword: string]: string | number | undefined;
}

/** Quotes one conninfo value when needed: empty, or containing spaces, quotes or backslashes. */
export const quoteConninfoValue = (value: string): string =>
  value !== '' && /^[^\s'\\=]+$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Renders `keyword=value ...` in the fields' order; keywords must be plain identifiers. */
export const renderConninfo = (fields: Readonly<ConnInfoFields>): string =>
  Object.entries(fields)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => {
      if (!/^[a-z_]+$/.test(k)) throw new TypeError(`Cannot render conninfo: invalid keyword ${quoteValue(k)}`);
      return `${k}=${quoteConninfoValue(String(v))}`;
    })
    .join(' ');

/** Reads one value at text[i]; returns it and the index after it. */
const readValue = (text: string, i: number): [string, number] => {
  const quoted = text[i] === "'";
  let out = '';
  let j = quoted ? i + 1 : i;
  for (; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\\' && j + 1 < text.length) {
      out += text[++j]!;
    } else if (quoted ? c === "'" : /\s/.test(c)) {
      return [out, quoted ? j + 1 : j];
    } else {
      out += c;
    }
  }
  if (quoted) throw new SyntaxError(`Cannot parse conninfo: unterminated quoted value at offset ${i}`);
  return [out, j];
};

/** Parses a `keyword=value` conninfo string (not a URI); throws SyntaxError on malformed text. */
export const parseConninfo = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) return out;
    const kw = /^([A-Za-z_]+)\s*=\s*/.exec(text.slice(i));
    if (!kw) throw new SyntaxError(`Cannot parse conninfo: expected keyword=value at offset ${i} in ${quoteValue(text)}`);
    const [value, next] = readValue(text, i + kw[0].length);
    out[kw[1]!] = value;
    i = next;
  }
};

/** The conninfo with any password value replaced by '********', for logs and exit reasons. */
export const redactConninfo = (text: string): string => {
  try {
    const fields = parseConninfo(text);
    if (fields['password'] !== undefined) fields['password'] = '********';
    return renderConninfo(fields);
  } catch {
    return text.replace(/password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g, 'password=********');
  }
};
