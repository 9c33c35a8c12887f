import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailedRewind, asideName, planRejoin } from '../../../lib/postgresql/rejoin-plan.ts';

const diverged = { diverged: true, forkTimeline: 1, forkLsn: 0x3000000n, reason: 'we wrote past the fork' };
const fine = { diverged: false, forkTimeline: 1, forkLsn: 0x3000000n, reason: 'our WAL ends before the fork' };

test('planRejoin follows when the WAL did not diverge, whatever the options', () => {
  assert.equal(planRejoin(fine, { rewind: false, rebuild: false, rewindBlocker: 'x' }).step, 'follow');
});

test('planRejoin rewinds a diverged instance when rewind is on and possible', () => {
  assert.equal(planRejoin(diverged, { rewind: true, rebuild: false, rewindBlocker: undefined }).step, 'rewind');
});

test('planRejoin rebuilds when rewind is impossible and rebuild is on, saying why', () => {
  const s = planRejoin(diverged, { rewind: true, rebuild: true, rewindBlocker: 'wal_log_hints is off and data checksums are off' });
  assert.equal(s.step, 'rebuild');
  assert.match(s.reason, /wal_log_hints is off/);
});

test('planRejoin refuses when neither rewind nor rebuild may run, and says what to do', () => {
  const s = planRejoin(diverged, { rewind: false, rebuild: false, rewindBlocker: undefined });
  assert.equal(s.step, 'refuse');
  assert.match(s.reason, /rewind is off.*rebuild is off.*rebuild=true/);
});

test('afterFailedRewind rebuilds only when allowed', () => {
  assert.equal(afterFailedRewind(true, 'boom').step, 'rebuild');
  assert.equal(afterFailedRewind(false, 'boom').step, 'refuse');
});

test('asideName keeps the directory name and adds a sortable timestamp', () => {
  assert.equal(asideName('/var/lib/pg/main/', new Date('2026-11-24T10:11:12.345Z')), '/var/lib/pg/main.pgbeat-old-2026-11-24T10-11-12-345Z');
});
