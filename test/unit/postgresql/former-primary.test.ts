import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapScore, decodeFormerPrimary, encodeFormerPrimary, formerPrimaryHolds } from '../../../lib/postgresql/former-primary.ts';

const rec = { systemId: '7300000000000000001', timeline: 4, lsn: 0x3000028n };

test('the record round-trips; malformed text is no record', () => {
  assert.deepEqual(decodeFormerPrimary(encodeFormerPrimary(rec)), rec);
  assert.equal(decodeFormerPrimary(undefined), undefined);
  assert.equal(decodeFormerPrimary('{"timeline": 4}'), undefined);
  assert.equal(decodeFormerPrimary('not json'), undefined);
});

test('it holds on the same database cluster and timeline only', () => {
  assert.equal(formerPrimaryHolds(rec, { systemId: rec.systemId, timeline: 4 }), true);
  assert.equal(formerPrimaryHolds(rec, { systemId: rec.systemId, timeline: 5 }), false, 'it followed a newer primary since');
  assert.equal(formerPrimaryHolds(rec, { systemId: '1', timeline: 4 }), false, 'another database cluster');
  assert.equal(formerPrimaryHolds(undefined, { systemId: rec.systemId, timeline: 4 }), false);
});

test('bootstrap scores rank newer timelines first and stay below a primary\'s', () => {
  assert.ok(bootstrapScore(5) > bootstrapScore(4));
  assert.equal(bootstrapScore(0), 1);
  assert.equal(bootstrapScore(100_000), 900);
});
