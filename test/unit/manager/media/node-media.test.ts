import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MediumConfig } from '../../../../lib/manager/config/cluster-config.ts';
import { mediaForThisNode } from '../../../../lib/manager/media/node-media.ts';

test('mediaForThisNode skips the ucast line aimed at this node and keeps everything else', () => {
  const media: MediumConfig[] = [
    { kind: 'ucast', dev: 'eth1', peer: '198.51.100.1', port: 694 },
    { kind: 'ucast', dev: 'eth1', peer: '198.51.100.2', port: 694 },
    { kind: 'bcast', dev: 'eth1', port: 694 },
    { kind: 'serial', device: '/dev/ttyS0', baud: 19_200 },
  ];
  assert.deepEqual(mediaForThisNode(media, new Set(['127.0.0.1', '198.51.100.1'])).map((m) => m.kind === 'ucast' ? m.peer : m.kind), ['198.51.100.2', 'bcast', 'serial']);
  assert.equal(mediaForThisNode(media, new Set()).length, 4);
});
