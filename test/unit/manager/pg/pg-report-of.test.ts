import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgReportOf } from '../../../../lib/manager/pg/pg-report-of.ts';
import { emptySnapshot, type PgSnapshot } from '../../../../lib/manager/pg/pg-snapshot.ts';

const running = (o: Partial<PgSnapshot>): PgSnapshot => ({ ...emptySnapshot(0), postmaster: 'running', pid: 42, ...o });

test('pgReportOf() turns the probe snapshot into the core\'s report', () => {
  const cases: [string, PgSnapshot, ReturnType<typeof pgReportOf>][] = [
    ['nothing known yet', emptySnapshot(0), null],
    ['running, role not queried yet', running({}), null],
    ['stopped', { ...emptySnapshot(0), postmaster: 'stopped' }, { role: 'stopped', timeline: 0, flushedLsn: 0, replayedLsn: 0, streaming: false, syncFlushedLsn: null }],
    ['crashed', { ...emptySnapshot(0), postmaster: 'crashed', timeline: 3 }, { role: 'stopped', timeline: 3, flushedLsn: 0, replayedLsn: 0, streaming: false, syncFlushedLsn: null }],
    ['primary, beta streams as sync', running({ role: 'primary', timeline: 2, flushLsn: 0x3000060n, synchronousStandbys: ['beta'] }),
      { role: 'primary', timeline: 2, flushedLsn: 0x3000060, replayedLsn: 0x3000060, streaming: false, syncFlushedLsn: 0 }],
    ['primary, no sync standby', running({ role: 'primary', timeline: 2, flushLsn: 16n, synchronousStandbys: [] }),
      { role: 'primary', timeline: 2, flushedLsn: 16, replayedLsn: 16, streaming: false, syncFlushedLsn: null }],
    ['standby streaming', running({ role: 'standby', timeline: 2, flushLsn: 32n, replayLsn: 16n, streaming: true }),
      { role: 'standby', timeline: 2, flushedLsn: 32, replayedLsn: 16, streaming: true, syncFlushedLsn: null }],
  ];
  for (const [name, snap, want] of cases) assert.deepEqual(pgReportOf(snap, 'beta'), want, name);
});
