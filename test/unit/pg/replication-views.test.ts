import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { renderSlots, renderStandbyLags, slotRetainedBytes, standbyLags, type ReplicationRow } from '../../../lib/pg/replication-views.ts';

const row: ReplicationRow = {
  applicationName: 'node2', state: 'streaming', syncState: 'sync', clientAddr: '192.0.2.12',
  sentLsn: parseLsn('0/5000000'), writeLsn: parseLsn('0/4F00000'), flushLsn: parseLsn('0/4E00000'), replayLsn: parseLsn('0/4000000'),
  writeLagS: 0.001, flushLagS: 0.002, replayLagS: 1.5,
};

test('standbyLags(): a standby caught up with its lag times cleared lags 0 s; one behind with none is unknown', () => {
  const idle = { ...row, flushLsn: parseLsn('0/5000000'), replayLsn: parseLsn('0/5000000'), flushLagS: undefined, replayLagS: undefined };
  const [caughtUp] = standbyLags([idle], parseLsn('0/5000000'));
  assert.equal(caughtUp?.flushLagS, 0);
  assert.equal(caughtUp?.replayLagS, 0);
  const [behind] = standbyLags([{ ...idle, replayLsn: parseLsn('0/4000000') }], parseLsn('0/5000000'));
  assert.equal(behind?.replayLagS, undefined);
});

test('standbyLags() measures flush and replay lag in bytes from the current position', () => {
  const [lag] = standbyLags([row, { ...row, applicationName: 'node3', flushLsn: undefined, replayLsn: undefined, replayLagS: undefined }], parseLsn('0/5000000'));
  assert.deepEqual(lag, { name: 'node2', state: 'streaming', syncState: 'sync', flushLagBytes: 0x200000n, replayLagBytes: 0x1000000n, flushLagS: 0.002, replayLagS: 1.5 });
  const text = renderStandbyLags(standbyLags([row, { ...row, applicationName: '', replayLsn: undefined, replayLagS: undefined }], parseLsn('0/5000000')));
  assert.equal(text, 'node2 state=streaming sync_state=sync flush_lag=2.0 MiB replay_lag=16.0 MiB replay_lag_s=1.500\n(no application_name) state=streaming sync_state=sync flush_lag=2.0 MiB replay_lag=- replay_lag_s=-');
});

test('slotRetainedBytes() and renderSlots() show the WAL a slot holds back', () => {
  const slot = { slotName: 'node2', slotType: 'physical', active: false, restartLsn: parseLsn('0/3000000'), walStatus: 'reserved' };
  assert.equal(slotRetainedBytes(slot, parseLsn('0/5000000')), 0x2000000n);
  assert.equal(slotRetainedBytes({ ...slot, restartLsn: undefined }, 1n), undefined);
  assert.equal(renderSlots([slot], parseLsn('0/5000000')), 'node2 type=physical active=f restart_lsn=0/3000000 retained=32.0 MiB wal_status=reserved');
});
