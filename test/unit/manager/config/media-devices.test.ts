import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MediumConfig } from '../../../../lib/manager/config/cluster-config.ts';
import { mediaDeviceProblems } from '../../../../lib/manager/config/media-devices.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';

const LOCAL = {
  interfaces: new Map([['eth1', { ipv4: true }], ['eth2', { ipv4: false }]]),
  exists: (p: string) => p === '/dev/ttyS0',
};
const cases: [string, MediumConfig, string[]][] = [
  ['a bcast on an interface with an address', { kind: 'bcast', dev: 'eth1', port: 694, at: 'ha.cf:3' }, []],
  ['a bcast on a missing interface', { kind: 'bcast', dev: 'eth9', port: 694, at: 'ha.cf:3' }, ['ha.cf:3: bcast: this node has no interface eth9']],
  ['a ucast on an interface without IPv4', { kind: 'ucast', dev: 'eth2', peer: '198.51.100.2', port: 694, at: 'ha.cf:4' }, ['ha.cf:4: notice: ucast: interface eth2 has no IPv4 address now; the medium stays down until it has one']],
  ['an mcast without a recorded line', { kind: 'mcast', dev: 'eth9', group: '239.0.0.1', port: 694, ttl: 1, loop: false }, ['/etc/ha.d/ha.cf: mcast: this node has no interface eth9']],
  ['a present tty', { kind: 'serial', device: '/dev/ttyS0', baud: 19_200, at: 'ha.cf:5' }, []],
  ['a missing tty', { kind: 'serial', device: '/dev/ttyUSB0', baud: 19_200, at: 'ha.cf:5' }, ['ha.cf:5: notice: serial device /dev/ttyUSB0 does not exist now; the medium stays down until it appears']],
];
for (const [why, medium, want] of cases) {
  test(`mediaDeviceProblems: ${why}`, () => {
    assert.deepEqual(mediaDeviceProblems([medium], LOCAL, '/etc/ha.d/ha.cf').map(formatProblem), want);
  });
}
