import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OcfError } from '../../../lib/ocf/ocf-error.ts';
import { OCF_ERR_CONFIGURED } from '../../../lib/ocf/exit-codes.ts';
import { parsePgParams } from '../../../lib/postgresql/params.ts';
import { movedServerLogName, serverLogName } from '../../../lib/postgresql/report-files.ts';

test('report_dir defaults to /var/log/pgbeat and must lie outside pgdata (table)', () => {
  assert.equal(parsePgParams({ pgdata: '/var/lib/postgresql/15/main' }).report_dir, '/var/log/pgbeat');
  const cases: [string, string, string | undefined][] = [
    ['a sibling of pgdata', '/var/lib/postgresql/15/main-reports', undefined],
    ['pgdata itself', '/var/lib/postgresql/15/main', 'inside pgdata'],
    ['pgdata with a trailing slash', '/var/lib/postgresql/15/main/', 'inside pgdata'],
    ['a directory inside pgdata', '/var/lib/postgresql/15/main/log', 'inside pgdata'],
    ['a relative path', 'log', 'must be an absolute path'],
  ];
  for (const [name, dir, error] of cases) {
    const parse = () => parsePgParams({ pgdata: '/var/lib/postgresql/15/main', report_dir: dir });
    if (error === undefined) assert.equal(parse().report_dir, dir, name);
    else assert.throws(parse, (e: unknown) => e instanceof OcfError && e.code === OCF_ERR_CONFIGURED && e.message.includes(error) && e.message.includes('report_dir'), name);
  }
});

test('server log names: one per instance, safe characters; a log moved out of pgdata carries the time', () => {
  assert.equal(serverLogName('pgsql'), 'pgbeat-postgresql-pgsql-server.log');
  assert.equal(serverLogName('a/b c'), 'pgbeat-postgresql-a_b_c-server.log');
  assert.equal(movedServerLogName('pgsql', new Date('2026-12-04T16:00:00.123Z')), 'pgbeat-postgresql-pgsql-server-from-pgdata-2026-12-04T16-00-00-123Z.log');
});
