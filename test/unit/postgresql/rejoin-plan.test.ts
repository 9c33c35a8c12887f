import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseControlData } from '../../../lib/pg/controldata.ts';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { parseRewindOutput } from '../../../lib/pg/rewind-output.ts';
import type { HistoryEntry } from '../../../lib/pg/timeline-history.ts';
import {
  afterFailedRewind, asideName, checkRewindReadiness, discardReportName, planRejoin, rewindShortfall, rewindTouchedTarget,
  type OurSide, type PrimarySide, type RejoinOptions,
} from '../../../lib/postgresql/rejoin-plan.ts';
import { fixture } from '../pg/fixture.ts';

const h = (...entries: [number, string][]): HistoryEntry[] => entries.map(([t, l]) => ({ parentTimeline: t, switchLsn: parseLsn(l), reason: 'x' }));
const SYS = '7441234567890123456';
const primary = (o: Partial<PrimarySide> = {}): PrimarySide => ({ name: 'b', systemId: SYS, timeline: 2, history: h([1, '0/3000100']), lsn: parseLsn('0/5000000'), ...o });
const ours = (last: string, o: Partial<OurSide> = {}): OurSide => ({ systemId: SYS, timeline: 1, history: [], lastRecordLsn: parseLsn(last), ...o });
const opts = (o: Partial<RejoinOptions> = {}): RejoinOptions => ({ rewind: true, rebuild: false, rewindBlocker: undefined, ...o });

test('planRejoin follows when our WAL ends before the fork, whatever the options', () => {
  const s = planRejoin(ours('0/3000088'), primary(), opts({ rewind: false, rewindBlocker: 'x' }));
  assert.equal(s.step, 'follow');
  assert.match(s.reason, /behind the fork and can follow/);
});

test('planRejoin rewinds a diverged old primary from the fork point when rewind is on and possible', () => {
  const s = planRejoin(ours('0/3000100'), primary(), opts());
  assert.equal(s.step, 'rewind');
  assert.deepEqual(s.step === 'rewind' && s.discard, { timeline: 1, lsn: parseLsn('0/3000100') });
  assert.match(s.reason, /forked from our timeline 1 at 0\/3000100.*we wrote WAL after the fork/);
});

test('planRejoin re-clones when pg_rewind cannot run and rebuild is on, keeping the fork for the report', () => {
  const s = planRejoin(ours('0/4000000'), primary(), opts({ rebuild: true, rewindBlocker: 'neither wal_log_hints nor data checksums are on' }));
  assert.equal(s.step, 'rebuild');
  assert.match(s.reason, /pg_rewind cannot run: neither wal_log_hints/);
  assert.deepEqual(s.step === 'rebuild' && s.discard, { timeline: 1, lsn: parseLsn('0/3000100') });
});

test('planRejoin refuses when neither rewind nor rebuild may run, and says what to do', () => {
  const s = planRejoin(ours('0/4000000'), primary(), opts({ rewind: false }));
  assert.equal(s.step, 'refuse');
  assert.match(s.reason, /rewind is off.*rebuild is off.*rebuild=true/);
});

test('planRejoin never touches a data directory of another database cluster, rebuild or not', () => {
  const s = planRejoin(ours('0/3000088'), primary({ systemId: '7000000000000000001' }), opts({ rebuild: true }));
  assert.equal(s.step, 'refuse');
  assert.match(s.reason, /b runs another database cluster \(system identifier 7000000000000000001, ours is 7441234567890123456\)/);
});

test('planRejoin: on the same timeline, a primary that lacks WAL we have is re-cloned (pg_rewind cannot help) or refused', () => {
  const same = primary({ timeline: 1, history: [], lsn: parseLsn('0/3000000') });
  const rebuild = planRejoin(ours('0/3000010'), same, opts({ rebuild: true }));
  assert.equal(rebuild.step, 'rebuild');
  assert.match(rebuild.reason, /our last record at 0\/3000010 is past b's flushed WAL at 0\/3000000.*pg_rewind cannot bring back/);
  assert.deepEqual(rebuild.step === 'rebuild' && rebuild.discard, { timeline: 1, lsn: parseLsn('0/3000000') });
  assert.equal(planRejoin(ours('0/3000010'), same, opts()).step, 'refuse');
  assert.equal(planRejoin(ours('0/2FFFFF0'), same, opts()).step, 'follow', 'a standby behind its primary follows');
});

test('afterFailedRewind re-clones when allowed; otherwise refuses and says whether the directory was changed', () => {
  assert.equal(afterFailedRewind(true, 'boom', true).step, 'rebuild');
  const untouched = afterFailedRewind(false, 'boom', false);
  assert.equal(untouched.step, 'refuse');
  assert.match(untouched.reason, /pg_rewind failed \(boom\) and rebuild is off; the data directory is unchanged/);
  const touched = afterFailedRewind(false, 'boom', true);
  assert.match(touched.reason, /began changing the data directory, which must not be started as it is/);
});

test('rewindShortfall: the error lines of a failed run; "no rewind required" after a divergence is a failure too', () => {
  const failed = parseRewindOutput('pg_rewind: error: could not fetch file list: ERROR:  permission denied for function pg_ls_dir\n');
  assert.equal(rewindShortfall({ failed: true, description: 'exit code 1', outcome: failed }, 'b'), 'could not fetch file list: ERROR:  permission denied for function pg_ls_dir');
  assert.equal(rewindShortfall({ failed: true, description: 'pg_rewind: timed out after 5000 ms', outcome: parseRewindOutput('') }, 'b'), 'pg_rewind: timed out after 5000 ms');
  assert.match(rewindShortfall({ failed: false, description: '', outcome: parseRewindOutput('pg_rewind: no rewind required\n') }, 'b') ?? '', /saw no divergence from b.*CHECKPOINT/);
  assert.equal(rewindShortfall({ failed: false, description: '', outcome: parseRewindOutput(fixture('pg_rewind-dry-run.txt')) }, 'b'), undefined);
});

test('rewindTouchedTarget: the copy plan or later means the target may be half rewound', () => {
  assert.equal(rewindTouchedTarget('pg_rewind: connected to server\npg_rewind: error: could not fetch file list'), false);
  assert.equal(rewindTouchedTarget('pg_rewind: need to copy 51 MB (total source directory size is 70 MB)\npg_rewind: error: x'), true);
});

test('asideName and discardReportName keep the names and add a sortable timestamp', () => {
  const at = new Date('2026-11-24T10:11:12.345Z');
  assert.equal(asideName('/var/lib/pg/main/', at), '/var/lib/pg/main.pgbeat-old-2026-11-24T10-11-12-345Z');
  assert.equal(discardReportName('pg', at), 'pgbeat-postgresql-pg-discarded-2026-11-24T10-11-12-345Z.txt');
});

test('checkRewindReadiness (validate-all): error without wal_log_hints/checksums unless rebuild is on, then a warning', () => {
  const hints = parseControlData(fixture('controldata-shut-down.txt'));
  const none = { ...hints, walLogHints: false, dataChecksumVersion: 0 };
  assert.deepEqual(checkRewindReadiness({ rewind: true, rebuild: false }, hints), { severity: 'ok', reason: undefined });
  assert.deepEqual(checkRewindReadiness({ rewind: false, rebuild: false }, none), { severity: 'ok', reason: undefined });
  const err = checkRewindReadiness({ rewind: true, rebuild: false }, none);
  assert.equal(err.severity, 'error');
  assert.match(err.reason ?? '', /^rewind=true but neither wal_log_hints nor data checksums are on.*; or set rewind=false$/);
  assert.equal(checkRewindReadiness({ rewind: true, rebuild: true }, none).severity, 'warn');
  assert.match(checkRewindReadiness({ rewind: true, rebuild: false }, { ...hints, fullPageWrites: false }).reason ?? '', /full_page_writes is off/);
});

test('planRejoin never rewinds nor re-clones a newer timeline onto an older primary, whatever the options: it keeps its data', () => {
  for (const o of [opts(), opts({ rebuild: true }), opts({ rewind: false, rebuild: true })]) {
    const s = planRejoin(ours('0/6000000', { name: 'b', timeline: 2, history: h([1, '0/3000100']), wasPrimary: true }), primary({ name: 'a', timeline: 1, history: [], lsn: parseLsn('0/7000000') }), o);
    assert.equal(s.step, 'keep');
    assert.match(s.reason, /^b \(primary\) is on timeline 2 at 0\/6000000, newer than a's timeline 1: .* b keeps its data and does not follow a; a is the side to rejoin/);
  }
});
