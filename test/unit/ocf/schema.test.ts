import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultText, defineParams, parseParams } from '../../../lib/ocf/schema.ts';
import { OcfError } from '../../../lib/ocf/ocf-error.ts';

const schema = defineParams({
  name: { type: 'string', required: true, shortdesc: 's', longdesc: 'l' },
  mode: {
    type: 'string', default: 'fast', shortdesc: 's', longdesc: 'l',
    check: (v) => (v === 'fast' || v === 'safe' ? undefined : 'use fast or safe'),
  },
  port: { type: 'integer', default: 5432, min: 1, max: 65535, shortdesc: 's', longdesc: 'l' },
  delay: { type: 'integer', min: -10, shortdesc: 's', longdesc: 'l' },
  flag: { type: 'boolean', default: false, shortdesc: 's', longdesc: 'l' },
  plain: { type: 'string', shortdesc: 's', longdesc: 'l' },
});

/** Asserts an OcfError with code 6 whose message contains every fragment. */
const rejects = (raw: Record<string, string>, ...fragments: string[]): void => {
  assert.throws(
    () => parseParams(schema, { name: 'x', ...raw }),
    (e: unknown) => {
      assert.ok(e instanceof OcfError, `expected OcfError, got ${String(e)}`);
      assert.equal(e.code, 6);
      for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
      return true;
    },
  );
};

test('parseParams applies defaults for unset and empty values', () => {
  const p = parseParams(schema, { name: 'db', mode: '', port: '' });
  assert.deepEqual(p, { name: 'db', mode: 'fast', port: 5432, delay: undefined, flag: false, plain: '' });
});

test('parseParams ignores variables the schema does not declare', () => {
  const p = parseParams(schema, { name: 'db', stray: 'zzz' });
  assert.equal('stray' in p, false);
});

test('parseParams rejects a required parameter that is missing, naming it (code 6)', () => {
  assert.throws(() => parseParams(schema, {}), (e: unknown) => e instanceof OcfError && e.code === 6 && /name/.test(e.message) && /OCF_RESKEY_name/.test(e.message));
});

test('parseParams rejects a required parameter that is set but empty', () => {
  assert.throws(() => parseParams(schema, { name: '' }), (e: unknown) => e instanceof OcfError && e.code === 6);
});

const integerCases: { raw: string; want?: number; why?: string }[] = [
  { raw: '5432', want: 5432 },
  { raw: '1', want: 1 },
  { raw: '65535', want: 65535 },
  { raw: '0', why: 'at least 1' },
  { raw: '65536', why: 'at most 65535' },
  { raw: '54x', why: 'not a whole number' },
  { raw: '1.5', why: 'not a whole number' },
  { raw: ' 80', why: 'not a whole number' },
  { raw: '+80', why: 'not a whole number' },
  { raw: '0x50', why: 'not a whole number' },
];
for (const c of integerCases) {
  test(`parseParams integer port=${JSON.stringify(c.raw)} ${c.want !== undefined ? `gives ${c.want}` : `is rejected: ${c.why}`}`, () => {
    if (c.want !== undefined) assert.equal(parseParams(schema, { name: 'x', port: c.raw }).port, c.want);
    else rejects({ port: c.raw }, "port='" + c.raw + "'", c.why!);
  });
}

test('parseParams accepts a negative integer inside the range and rejects one below it', () => {
  assert.equal(parseParams(schema, { name: 'x', delay: '-10' }).delay, -10);
  rejects({ delay: '-11' }, "delay='-11'", 'at least -10');
});

// ocf_is_true: exactly these are true; the listed false words are accepted as false.
const TRUE_WORDS = ['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON'];
const FALSE_WORDS = ['no', 'false', '0', 'NO', 'FALSE', 'False', 'nein', 'off', 'OFF'];
for (const w of TRUE_WORDS) {
  test(`parseParams boolean flag=${w} is true`, () => {
    assert.equal(parseParams(schema, { name: 'x', flag: w }).flag, true);
  });
}
for (const w of FALSE_WORDS) {
  test(`parseParams boolean flag=${w} is false`, () => {
    assert.equal(parseParams(schema, { name: 'x', flag: w }).flag, false);
  });
}
for (const w of ['Yes', 'On', 'y', 'n', 'tRUE', '2', 'enabled', ' true']) {
  test(`parseParams boolean flag=${JSON.stringify(w)} is rejected, not guessed`, () => {
    rejects({ flag: w }, `flag='${w}'`, 'not a boolean');
  });
}

test('parseParams runs the string check and names parameter and value on failure', () => {
  assert.equal(parseParams(schema, { name: 'x', mode: 'safe' }).mode, 'safe');
  rejects({ mode: 'reckless' }, "mode='reckless'", 'use fast or safe');
});

test('parseParams does not run the string check on an unset value', () => {
  assert.equal(parseParams(schema, { name: 'x' }).mode, 'fast');
});

test('defaultText renders defaults as meta-data shows them', () => {
  assert.equal(defaultText(schema.port), '5432');
  assert.equal(defaultText(schema.flag), 'false');
  assert.equal(defaultText({ type: 'boolean', default: true, shortdesc: '', longdesc: '' }), 'true');
  assert.equal(defaultText(schema.mode), 'fast');
  assert.equal(defaultText(schema.plain), undefined);
});
