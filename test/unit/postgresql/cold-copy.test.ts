import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coldCopyStart, type CopySnapshot, type CopyStart } from '../../../lib/postgresql/cold-copy.ts';

const LABEL = [
  'START WAL LOCATION: 0/5000028 (file 000000020000000000000005)',
  'CHECKPOINT LOCATION: 0/5000060',
  'BACKUP METHOD: streamed',
  'BACKUP FROM: primary',
  'START TIME: 2026-12-04 17:00:00 UTC',
  'LABEL: db_sync',
  'START TIMELINE: 2',
  '',
].join('\n');
const SEG = 16 * 1024 * 1024;
const snap = (o: Partial<CopySnapshot> = {}): CopySnapshot => ({
  backupLabel: LABEL, controlState: 'in production', walSegmentSize: SEG,
  walFiles: ['000000020000000000000005', '000000020000000000000006', 'archive_status'], ...o,
});

test('coldCopyStart() (table): a copy never started recovers and is promoted; a doubtful one is refused', () => {
  const cases: [string, CopySnapshot, CopyStart['kind'], RegExp | undefined][] = [
    ['no backup_label: an ordinary data directory', snap({ backupLabel: undefined, controlState: 'shut down' }), 'ordinary', undefined],
    ['no backup_label, crashed primary: ordinary too', snap({ backupLabel: undefined }), 'ordinary', undefined],
    ['a copy of a running primary (rsync, basebackup)', snap(), 'recover-and-promote', /copy not started yet \(backup from 0\/5000028 on timeline 2\).*promoted onto a new timeline/],
    ['a copy taken from a standby', snap({ controlState: 'in archive recovery' }), 'recover-and-promote', /timeline 2/],
    ['a copy whose pg_control was read during crash recovery', snap({ controlState: 'in crash recovery' }), 'recover-and-promote', /recovers from its own WAL/],
    ['a label next to a cleanly shut down control file', snap({ controlState: 'shut down' }), 'refuse', /control file says 'shut down', which no copy of a running server has/],
    ['a label next to a standby shut down', snap({ controlState: 'shut down in recovery' }), 'refuse', /'shut down in recovery'/],
    ['an unreadable control file', snap({ controlState: undefined }), 'refuse', /'unreadable'/],
    ['the first WAL segment is missing', snap({ walFiles: ['000000020000000000000006'] }), 'refuse', /without the WAL segment 000000020000000000000005 .* incomplete; make a new one/],
    ['the WAL is on another timeline', snap({ walFiles: ['000000010000000000000005'] }), 'refuse', /000000020000000000000005/],
    ['another segment size names another file', snap({ walSegmentSize: 64 * 1024 * 1024, walFiles: ['000000020000000000000001'] }), 'recover-and-promote', /0\/5000028/],
    ['a label without its start line', snap({ backupLabel: 'LABEL: x\n' }), 'refuse', /backup_label that cannot be read \(Cannot parse backup_label: no START WAL LOCATION line\)/],
  ];
  for (const [name, s, kind, reason] of cases) {
    const got = coldCopyStart(s);
    assert.equal(got.kind, kind, name);
    if (reason) assert.match('reason' in got ? got.reason : '', reason, name);
  }
});

test('coldCopyStart(): the position checked against the peers is the backup start on its timeline', () => {
  const got = coldCopyStart(snap());
  assert.deepEqual(got.kind === 'recover-and-promote' ? got.self : undefined, { timeline: 2, lsn: 0x5000028n });
});
