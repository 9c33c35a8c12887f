// The words of a pg_ctl -o option string (e.g. `-c config_file=/etc/postgresql/15/main/postgresql.conf`),
// so other server invocations (postgres -C) read the same configuration.

/** Splits `text` at white space outside single or double quotes; quotes are removed. */
export const splitServerOptions = (text: string): string[] => {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
};
