import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicationRow } from '../../../lib/pg/replication-views.ts';
import { NOT_PROMOTABLE, promotionScores, syncFlags } from '../../../lib/postgresql/scores.ts';

const row = (name: string, flush: bigint, state = 'streaming', syncState = 'async'): ReplicationRow => ({
  applicationName: name, state, syncState, clientAddr: undefined, sentLsn: flush, writeLsn: flush, flushLsn: flush,
  replayLsn: flush, writeLagS: undefined, flushLagS: undefined, replayLagS: undefined,
});

const base = {
  self: 'n1', nodes: ['n2', 'n3', 'n4'], currentLsn: 1000n, syncStandbyNames: '', requireSync: false, maxlag: 0n,
};

test('promotionScores gives the primary 1001 and ranks streaming standbys by flushed WAL', () => {
  const s = promotionScores({ ...base, rows: [row('n2', 900n), row('n3', 950n)] });
  assert.equal(s.get('n1'), 1001);
  assert.equal(s.get('n3'), 1000);
  assert.equal(s.get('n2'), 990);
  assert.equal(s.get('n4'), NOT_PROMOTABLE, 'a node with no replication row may not be promoted');
});

test('promotionScores never gives a positive score to a standby that is not synchronous when sync is required', () => {
  const s = promotionScores({ ...base, requireSync: true, syncStandbyNames: 'FIRST 1 ("n2")', rows: [row('n2', 900n, 'streaming', 'sync'), row('n3', 990n)] });
  assert.equal(s.get('n2'), 1000);
  assert.equal(s.get('n3'), NOT_PROMOTABLE, 'n3 is further ahead but asynchronous');
});

test('promotionScores excludes standbys beyond maxlag and those not streaming', () => {
  const s = promotionScores({ ...base, maxlag: 50n, rows: [row('n2', 900n), row('n3', 980n), row('n4', 999n, 'catchup')] });
  assert.equal(s.get('n3'), 1000);
  assert.equal(s.get('n2'), NOT_PROMOTABLE, '100 bytes behind with maxlag 50');
  assert.equal(s.get('n4'), NOT_PROMOTABLE, 'catching up');
});

test('syncFlags marks only listed, streaming, sync standbys', () => {
  const f = syncFlags({ ...base, syncStandbyNames: 'FIRST 1 ("n2", "n3")', rows: [row('n2', 1n, 'streaming', 'sync'), row('n3', 1n, 'streaming', 'potential')] });
  assert.deepEqual([...f], [['n2', '1'], ['n3', '0'], ['n4', '0']]);
});

test('promotionScores of a stale primary: the newer peers get 1001, the primary itself and everyone else -1000', () => {
  const s = promotionScores({ ...base, rows: [row('n2', 900n)], newerPeers: ['n3'] });
  assert.deepEqual([...s].sort(), [['n1', NOT_PROMOTABLE], ['n2', NOT_PROMOTABLE], ['n3', 1001], ['n4', NOT_PROMOTABLE]]);
  assert.equal(promotionScores({ ...base, rows: [row('n2', 900n)], newerPeers: [] }).get('n1'), 1001, 'no newer peer: the usual ranking');
});
