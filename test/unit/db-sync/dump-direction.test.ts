import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseList, decideDump } from '../../../lib/db-sync/dump-direction.ts';

const source = { name: 'pg1:5432', systemId: '7300000000000000001', inRecovery: false };
const target = { name: '/var/run/postgresql:5433', systemId: '7300000000000000009', inRecovery: false };

const cases: { name: string; source?: Partial<typeof source>; target?: Partial<typeof target>; go: boolean; says: RegExp }[] = [
  { name: 'a primary into another running cluster', go: true, says: /restoring source pg1:5432 \(system 7300000000000000001\) into target \/var\/run\/postgresql:5433 \(system 7300000000000000009\)/ },
  { name: 'a standby as source', source: { inRecovery: true }, go: false, says: /source pg1:5432 is in recovery/ },
  { name: 'the source itself as target', target: { systemId: source.systemId }, go: false, says: /it is the source cluster pg1:5432 itself or a physical copy of it/ },
  { name: 'a standby as target', target: { inRecovery: true }, go: false, says: /target .* is in recovery \(a standby\) and cannot take writes/ },
];
for (const c of cases) {
  test(`decideDump: ${c.name} -> ${c.go ? 'restore' : 'refuse'}`, () => {
    const v = decideDump({ ...source, ...c.source }, { ...target, ...c.target });
    assert.equal(v.go, c.go);
    assert.match(v.reason, c.says);
  });
}

test('databaseList splits on spaces and commas; empty means ask the source', () => {
  assert.deepEqual(databaseList('app, billing  postgres'), ['app', 'billing', 'postgres']);
  assert.deepEqual(databaseList(''), []);
});
