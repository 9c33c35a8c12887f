// ocf_is_true from ocf-shellfuncs: exactly these spellings are true, all else false.
const TRUE_WORDS = new Set(['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON']);

/** Reads an OCF boolean the way shell agents do (`Yes`, `On`, `y` are false). */
export const isOcfTrue = (value: string | undefined): boolean =>
  value !== undefined && TRUE_WORDS.has(value);

/** Whether a string is one of the accepted true or false spellings. */
export const isOcfBooleanWord = (value: string): boolean =>
  TRUE_WORDS.has(value) || ['no', 'false', '0', 'NO', 'FALSE', 'False', 'nein', 'off', 'OFF'].includes(value);
