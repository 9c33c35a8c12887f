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

test('standbyLags() is never negative: a standby that replayed WAL written after the current position was read (table)', () => {
  const current = parseLsn('0/5000000');
  const cases: [string, Partial<ReplicationRow>, bigint | undefined, bigint | undefined][] = [
    ['replayed 248 bytes past the position read earlier (sent says so too)',
      { sentLsn: parseLsn('0/50000F8'), flushLsn: parseLsn('0/50000F8'), replayLsn: parseLsn('0/50000F8') }, 0n, 0n],
    ['replay ahead of the position read, sent not yet refreshed', { sentLsn: current, flushLsn: parseLsn('0/5000100'), replayLsn: parseLsn('0/5000100') }, 0n, 0n],
    ['sent ahead: lag measured from the sent position', { sentLsn: parseLsn('0/5000100'), flushLsn: parseLsn('0/5000080'), replayLsn: parseLsn('0/5000000') }, 0x80n, 0x100n],
    ['behind as usual', { sentLsn: current, flushLsn: parseLsn('0/4FFFF00'), replayLsn: parseLsn('0/4FFFE00') }, 0x100n, 0x200n],
    ['nothing replayed yet', { sentLsn: undefined, flushLsn: undefined, replayLsn: undefined }, undefined, undefined],
  ];
  for (const [name, r, flush, replay] of cases) {
    const [lag] = standbyLags([{ ...row, ...r }], current);
    assert.equal(lag?.flushLagBytes, flush, name);
    assert.equal(lag?.replayLagBytes, replay, name);
  }
  assert.equal(slotRetainedBytes({ slotName: 's', slotType: 'physical', active: true, restartLsn: parseLsn('0/5000100'), walStatus: 'reserved' }, current), 0n);
});
