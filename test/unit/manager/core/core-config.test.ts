import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupConfig, ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import { userSyncMode } from '../../../../lib/manager/core/core-config.ts';

const group = (...resources: ResourceSpec[]): GroupConfig => ({ key: 'g', preferredNode: 'alpha', resources, at: 'haresources:1' });
const ip: ResourceSpec = { kind: 'v1', name: 'IPaddr', args: ['192.0.2.10'], text: '192.0.2.10' };

test('userSyncMode() reads the sync_mode the operator gave the postgresql resource, in either form', () => {
  const cases: [string, GroupConfig[], string | undefined][] = [
    ['no database', [group(ip)], undefined],
    ['ocf form', [group(ip, { kind: 'ocf', provider: 'pgbeat', type: 'postgresql', params: { pgdata: '/d', sync_mode: 'strict' }, text: 'ocf:pgbeat:postgresql' })], 'strict'],
    ['v1 form', [group(ip, { kind: 'v1', name: 'pgbeat-postgresql', args: ['/d', 'sync_mode=fallback'], text: 'pgbeat-postgresql::/d::sync_mode=fallback' })], 'fallback'],
    ['not given', [group({ kind: 'v1', name: 'pgbeat-postgresql', args: ['/d'], text: 'pgbeat-postgresql::/d' })], undefined],
  ];
  for (const [name, groups, want] of cases) assert.equal(userSyncMode({ groups }), want, name);
});
