import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareMajor, majorOf, parseBinaryVersion, parsePgVersionFile, versionMismatch } from '../../../lib/pg/version.ts';
import { fixture } from './fixture.ts';

test('parsePgVersionFile() and parseBinaryVersion() read the captured files', () => {
  assert.equal(parsePgVersionFile(fixture('PG_VERSION')), '15');
  const v = parseBinaryVersion(fixture('postgres-version.txt'));
  assert.equal(v.major, '15');
  assert.match(v.version, /^15\.\d+$/);
  assert.match(v.text, /^postgres \(PostgreSQL\) 15\./);
});

test('majorOf() and parseBinaryVersion() handle old and pre-release versions', () => {
  const cases: [string, string][] = [['15.18', '15'], ['10.23', '10'], ['9.6.24', '9.6'], ['9.4', '9.4'], ['16beta1', '16'], ['17devel', '17']];
  for (const [text, major] of cases) assert.equal(majorOf(text), major, text);
  assert.equal(parseBinaryVersion('pg_ctl (PostgreSQL) 9.6.24').major, '9.6');
  assert.equal(parseBinaryVersion('postgres (PostgreSQL) 17beta2\n').version, '17beta2');
  assert.throws(() => parseBinaryVersion('bash: postgres: command not found'), /Cannot parse a PostgreSQL version from 'bash/);
  assert.throws(() => parsePgVersionFile('fifteen'), /PG_VERSION: 'fifteen'/);
});

test('compareMajor() orders 9.x before 10+ and versionMismatch() says what to fix', () => {
  assert.ok(compareMajor('9.6', '10') < 0);
  assert.ok(compareMajor('9.6', '9.4') > 0);
  assert.equal(compareMajor('15', '15'), 0);
  const bin = parseBinaryVersion('postgres (PostgreSQL) 16.4');
  assert.equal(versionMismatch('16', bin, { pgdata: '/d', bindir: '/b' }), undefined);
  assert.equal(
    versionMismatch('15', bin, { pgdata: '/var/lib/postgresql/15/main', bindir: '/usr/lib/postgresql/16/bin' }),
    '/var/lib/postgresql/15/main holds a PostgreSQL 15 cluster (PG_VERSION) but /usr/lib/postgresql/16/bin has PostgreSQL 16.4: set bindir to the PostgreSQL 15 binaries',
  );
});
