// The bed finds the agent's discard reports by the name the agent gives them, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discardReportName } from '../../../lib/postgresql/rejoin-plan.ts';
import { discardReportsIn } from '../../helpers/bed/discard-reports.ts';

test('the discard reports in a report_dir listing are the agent\'s own file names', () => {
  const real = discardReportName('pgsql', new Date('2026-12-05T07:01:02.345Z'));
  const listing = [
    'pgbeat.log', 'postgresql.log', real, 'pgbeat-postgresql-pgsql-rewind-2026.txt', `${real}.tmp`,
    discardReportName('db-1', new Date('2026-12-05T08:00:00.000Z')), '',
  ].join('\n');
  assert.deepEqual(discardReportsIn(listing), [real, discardReportName('db-1', new Date('2026-12-05T08:00:00.000Z'))]);
  assert.deepEqual(discardReportsIn('pgbeat.log\npostgresql.log\n'), []);
});
