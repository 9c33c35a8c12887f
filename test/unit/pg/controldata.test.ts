import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCleanShutdown, parseControlData, rewindBlocker } from '../../../lib/pg/controldata.ts';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { captured, fixture } from './fixture.ts';

test('parseControlData() reads the state of each captured server', () => {
  const cases: [string, string, number][] = [
    ['controldata-in-production.txt', 'in production', 1],
    ['controldata-in-archive-recovery.txt', 'in archive recovery', 1],
    ['controldata-shut-down-in-recovery.txt', 'shut down in recovery', 1],
    ['controldata-shut-down.txt', 'shut down', 1],
    ['controldata-promoted.txt', 'in production', 2],
    ['controldata-crashed.txt', 'in production', 2],
    ['controldata-defaults-shut-down.txt', 'shut down', 1],
  ];
  for (const [file, state, timeline] of cases) {
    const cd = parseControlData(fixture(file));
    assert.equal(cd.state, state, file);
    assert.equal(cd.timeline, timeline, file);
    assert.equal(cd.pgControlVersion, 1300, file);
    assert.equal(cd.catalogVersion, 202209061, file);
    assert.match(cd.systemIdentifier, /^\d{19}$/, file);
    assert.equal(cd.walLevel, 'replica', file);
    assert.equal(cd.walSegmentSize, 16 * 1024 * 1024, file);
  }
});

test('parseControlData() reads checkpoint, REDO and minimum recovery positions', () => {
  const down = parseControlData(fixture('controldata-shut-down.txt'));
  assert.equal(down.checkpointLsn, parseLsn(captured().oldPrimaryCheckpoint));
  assert.equal(down.redoLsn, down.checkpointLsn, 'a shutdown checkpoint is its own REDO point');
  assert.equal(down.minRecoveryLsn, 0n);
  assert.equal(down.minRecoveryTimeline, 0);
  const standby = parseControlData(fixture('controldata-shut-down-in-recovery.txt'));
  assert.ok(standby.minRecoveryLsn > 0n);
  assert.equal(standby.minRecoveryTimeline, 1);
  assert.equal(parseControlData(fixture('controldata-crashed.txt')).redoWalFile, '000000020000000000000003');
});

test('parseControlData() reads wal_log_hints and the checksum version; rewindBlocker() needs one of them', () => {
  const tuned = parseControlData(fixture('controldata-shut-down.txt'));
  assert.equal(tuned.walLogHints, true);
  assert.equal(tuned.dataChecksumVersion, 1);
  assert.equal(tuned.fullPageWrites, true);
  assert.equal(rewindBlocker(tuned), undefined);
  const defaults = parseControlData(fixture('controldata-defaults-shut-down.txt'));
  assert.equal(defaults.walLogHints, false);
  assert.equal(defaults.dataChecksumVersion, 0);
  assert.match(rewindBlocker(defaults) ?? '', /neither wal_log_hints nor data checksums/);
  assert.equal(rewindBlocker({ ...defaults, walLogHints: true }), undefined);
  assert.equal(rewindBlocker({ ...defaults, dataChecksumVersion: 1 }), undefined);
  assert.match(rewindBlocker({ ...tuned, fullPageWrites: false }) ?? '', /full_page_writes/);
});

test('parseControlData() names the missing or malformed field', () => {
  const text = fixture('controldata-in-production.txt');
  const cases: [string, RegExp][] = [
    [text.replace(/^Database cluster state:.*$/m, ''), /no 'Database cluster state' line/],
    [text.replace(/in production/, 'in limbo'), /unknown Database cluster state 'in limbo'/],
    [text.replace(/^(Latest checkpoint location:\s+).*$/m, '$1banana'), /'Latest checkpoint location' is 'banana'/],
    [text.replace(/^(wal_log_hints setting:\s+).*$/m, '$1maybe'), /'wal_log_hints setting' is 'maybe'/],
    [text.replace(/^(Latest checkpoint's TimeLineID:\s+).*$/m, '$1x'), /TimeLineID' is 'x', not a number/],
    ['Zustand des Datenbankclusters: in Produktion\n', /is LC_ALL=C set/],
  ];
  for (const [input, want] of cases) assert.throws(() => parseControlData(input), (e: Error) => e instanceof SyntaxError && want.test(e.message), String(want));
});

test('isCleanShutdown() is true only for the two shut down states', () => {
  assert.equal(isCleanShutdown('shut down'), true);
  assert.equal(isCleanShutdown('shut down in recovery'), true);
  for (const s of ['in production', 'in archive recovery', 'in crash recovery', 'shutting down', 'starting up'] as const) assert.equal(isCleanShutdown(s), false, s);
});
