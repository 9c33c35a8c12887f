// Whether a text can name a host to connect to: an IP address, a DNS name (RFC 1123), or, for
// PostgreSQL, a unix socket directory. Checked when parameters are read, so a typo fails at once.
import { parseIp } from './address.ts';

const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Why `text` is not a host name or address (undefined when it is one). */
export const hostNameProblem = (text: string): string | undefined => {
  if (text === '') return 'empty';
  if (parseIp(text)) return undefined;
  if (/\s/.test(text)) return 'contains white space';
  if (text.length > 253) return 'longer than 253 characters';
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const bad = name.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) return bad === '' ? 'has an empty label' : `'${bad.slice(0, 63)}' is not a host name label (letters, digits, - and _)`;
  if (/^[\d.]+$/.test(name)) return 'looks like an IPv4 address but is not one';
  return undefined;
};

/** Why `text` is neither a host (as hostNameProblem) nor an absolute socket directory without white space. */
export const hostOrSocketProblem = (text: string): string | undefined => {
  if (text.startsWith('/')) return /[\s\0]/.test(text) ? 'a socket directory with white space' : undefined;
  const why = hostNameProblem(text);
  return why === undefined ? undefined : `not a host name, an IP address or an absolute socket directory: ${why}`;
};
