// How exit reasons and log lines quote a value the user gave: on one line, at a bounded length.

/** Longest quoted text before it is cut (a path or a host fits; a pasted paragraph does not). */
export const QUOTE_MAX = 80;

/**
 * `'value'` for messages: control characters (newlines, tabs) shown as \n, \t or \xNN so the reason stays
 * one line, and anything past `max` characters cut with `...` and the full length.
 */
export const quoteValue = (input: string | number | undefined, max = QUOTE_MAX): string => {
  const value = String(input ?? '');
  const shown = [...value].map((ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    const code = ch.codePointAt(0)!;
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  });
  if (shown.length <= max) return `'${shown.join('')}'`;
  return `'${shown.slice(0, max).join('')}...' (${[...value].length} characters)`;
};
