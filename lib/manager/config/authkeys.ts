// authkeys as heartbeat reads it: `auth N` names the signing key, `N method [key]` lines list the keys
// (all of them verify, so keys can be rolled). Methods: sha256 (pgbeat's default), sha1, md5, crc.
// The file's mode is checked by the io loader; keys never appear in messages.
import type { AuthConfig, AuthKey, AuthMethod } from './cluster-config.ts';
import { ProblemList, type ConfigProblem } from './problem.ts';

const METHODS: readonly AuthMethod[] = ['sha256', 'sha1', 'md5', 'crc'];

/** Parses authkeys text; `file` names it in problems. */
export const parseAuthkeys = (text: string, file: string): { auth?: AuthConfig; problems: ConfigProblem[] } => {
  const p = new ProblemList(file);
  const keys: AuthKey[] = [];
  const keyLines = new Map<number, number>();
  let active: number | undefined;
  let authLine = 0;
  const parseIndex = (s: string | undefined): number | undefined =>
    s !== undefined && /^\d{1,2}$/.test(s) && Number(s) <= 15 ? Number(s) : undefined;

  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/\r/g, '').trim();
    if (body === '' || body.startsWith('#')) return;
    const w = body.split(/\s+/);
    if (w[0] === 'auth') {
      const n = w.length === 2 ? parseIndex(w[1]) : undefined;
      if (n === undefined) p.error(line, `auth takes one key index 0-15, got ${JSON.stringify(w.slice(1).join(' '))}`);
      else {
        if (authLine) p.notice(line, `auth is given again (first at line ${authLine}); the last one applies`);
        active = n;
        authLine = line;
      }
      return;
    }
    const index = parseIndex(w[0]);
    if (index === undefined) {
      p.error(line, `expected "auth N" or "N method key" with N 0-15, got ${JSON.stringify(w[0])}`);
      return;
    }
    const method = w[1];
    if (method === undefined || !METHODS.includes(method as AuthMethod)) {
      p.error(line, `key ${index}: method ${JSON.stringify(method ?? '')} is not one of ${METHODS.join(', ')}`);
      return;
    }
    const key = w[2] ?? '';
    if (method === 'crc' && key !== '') {
      p.error(line, `key ${index}: crc does not use a key (heartbeat refuses one)`);
      return;
    }
    if (method !== 'crc' && key === '') {
      p.error(line, `key ${index}: ${method} needs a key`);
      return;
    }
    if (w.length > 3) p.notice(line, `key ${index}: the key is cut at the first blank, as heartbeat reads it`);
    if (keyLines.has(index)) {
      p.error(line, `key ${index} is given twice (first at line ${keyLines.get(index)})`);
      return;
    }
    keyLines.set(index, line);
    keys.push({ index, method: method as AuthMethod, key });
  });

  if (active === undefined) {
    p.error(0, 'missing auth directive: add "auth N" naming the key that signs (e.g. auth 1 with "1 sha256 <secret>")');
    return { problems: p.items };
  }
  const chosen = keys.find((k) => k.index === active);
  if (!chosen) {
    p.error(authLine, `auth ${active}: no key ${active} is listed`);
    return { problems: p.items };
  }
  if (chosen.method === 'crc') {
    p.notice(authLine, 'auth uses crc, a checksum: anyone on the heartbeat links can forge packets; use sha256');
  }
  return { auth: { index: chosen.index, method: chosen.method, key: chosen.key, keys }, problems: p.items };
};

/** The sentence for an authkeys file readable by group or others (heartbeat refuses to start too). */
export const authkeysModeProblem = (mode: number): string | undefined =>
  (mode & 0o044) !== 0
    ? `readable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 on it (heartbeat refuses such a file too)`
    : undefined;
