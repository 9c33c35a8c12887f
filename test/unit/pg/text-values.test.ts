import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromText, rowFromText, TYPE_OID } from '../../../lib/pg/text-values.ts';

test('booleans, small integers and floats convert; int8, numeric, text and LSNs stay text', () => {
  assert.equal(fromText(TYPE_OID.bool, 't'), true);
  assert.equal(fromText(TYPE_OID.bool, 'f'), false);
  assert.equal(fromText(TYPE_OID.int4, '-42'), -42);
  assert.equal(fromText(TYPE_OID.int2, '7'), 7);
  assert.equal(fromText(TYPE_OID.float8, '0.25'), 0.25);
  assert.equal(fromText(20, '9007199254740993'), '9007199254740993');
  assert.equal(fromText(1700, '1.10'), '1.10');
  assert.equal(fromText(3220, '0/3000060'), '0/3000060');
  assert.equal(fromText(TYPE_OID.int4, null), null);
});

test('rowFromText names columns and fills missing values with null', () => {
  const fields = [{ name: 'a', dataTypeID: TYPE_OID.int4 }, { name: 'b', dataTypeID: 25 }];
  assert.deepEqual(rowFromText(fields, ['1', 'x']), { a: 1, b: 'x' });
  assert.deepEqual(rowFromText(fields, ['1']), { a: 1, b: null });
});
