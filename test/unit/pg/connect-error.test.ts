import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServerFull, PgConnectError, sqlstateOf } from '../../../lib/pg/connect-error.ts';

const cases: [string, unknown, string | undefined, boolean][] = [
  ['a connect error from a full server', new PgConnectError('sorry, too many clients already', '53300'), '53300', true],
  ['a connect error from a server that is starting', new PgConnectError('the database system is starting up', '57P03'), '57P03', false],
  ['a connect error with no server answer', new PgConnectError('connect ECONNREFUSED', undefined), undefined, false],
  ['a server error object with a code (node-postgres)', Object.assign(new Error('remaining connection slots are reserved'), { code: '53300' }), '53300', true],
  ['a system error code is not a SQLSTATE', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), undefined, false],
  ['not an error at all', undefined, undefined, false],
];

test('sqlstateOf() and isServerFull() read the server\'s code only (table)', () => {
  for (const [name, e, code, full] of cases) {
    assert.equal(sqlstateOf(e), code, name);
    assert.equal(isServerFull(e), full, name);
  }
});
