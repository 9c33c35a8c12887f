// The failover timeline from the bed's records, as tables: which log sentences are steps, and the
// ordered timeline with offsets from the fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WriteRecord } from '../../helpers/bed/client/records.ts';
import { buildTimeline, classifyLine, formatTimeline } from '../../helpers/bed/timeline.ts';

describe('classifyLine()', () => {
  const cases: { line: string; want: { kind: string; what: string } | undefined }[] = [
    { line: 'Node castor: is dead (silent 1003 ms on every medium).', want: { kind: 'peer-dead', what: 'declared castor dead' } },
    { line: 'Node pollux: not heard within initdead (10000 ms): is dead.', want: { kind: 'peer-dead', what: 'declared pollux dead (initdead)' } },
    { line: 'castor is dead: fencing it before promoting.', want: { kind: 'fencing', what: 'fencing castor' } },
    { line: 'Fencing castor before taking over.', want: { kind: 'fencing', what: 'fencing castor' } },
    { line: 'Fencing castor failed: retrying in 1000 ms; nothing is taken meanwhile.', want: undefined },
    { line: 'Fenced castor.', want: { kind: 'fenced', what: 'fenced castor' } },
    { line: 'Asking the witness for epoch 4: primary pollux, SOLO (take): castor is dead.', want: { kind: 'witness-asked', what: 'asked the witness for epoch 4: primary pollux, SOLO' } },
    { line: 'The witness recorded it (take).', want: { kind: 'witness-recorded', what: 'the witness recorded it' } },
    { line: 'The witness refused (take): stale epoch.', want: { kind: 'witness-refused', what: 'the witness refused (take)' } },
    { line: 'Recorded epoch 4: primary pollux, SOLO for pollux.', want: { kind: 'witness-recorded', what: 'recorded epoch 4: primary pollux, SOLO for pollux' } },
    { line: 'Learnt epoch 3: primary castor, SYNC(pollux) from pollux. Recorded epoch 4: primary pollux, SOLO for pollux.', want: { kind: 'witness-recorded', what: 'recorded epoch 4: primary pollux, SOLO for pollux' } },
    { line: 'Refused epoch 4: primary castor, SOLO to castor: epoch 4 is taken.', want: { kind: 'witness-refused', what: 'refused epoch 4: primary castor, SOLO to castor' } },
    { line: "Lease 2026-12-05T07:00:00.000Z: neither pollux nor the witness vouched for this primary; dropping the address and stopping PostgreSQL before the lease can pass to pollux.", want: { kind: 'lease-lost', what: 'lease lost: address dropped, PostgreSQL stopping' } },
    { line: 'Agreed state epoch 4: primary pollux, SOLO (from witness; was epoch 3: primary castor, SYNC(pollux)).', want: { kind: 'agreed', what: 'agreed state epoch 4: primary pollux, SOLO' } },
    { line: 'promote pgbeat_bed: ok in 212 ms', want: { kind: 'promoted', what: 'PostgreSQL promoted (212 ms)' } },
    { line: 'start ocf:pgbeat:IPaddr::ip=192.0.2.10::cidr_netmask=24::nic=eth0: ok in 31 ms', want: { kind: 'vip-up', what: 'VIP up' } },
    { line: 'stop ocf:pgbeat:IPaddr::ip=192.0.2.10::cidr_netmask=24::nic=eth0: ok in 9 ms', want: { kind: 'vip-down', what: 'VIP down' } },
    { line: 'start ocf:pgbeat:IPaddr::ip=192.0.2.10: failed (code 1: no such device) in 9 ms', want: undefined },
    { line: 'Took the service (primary, no synchronous standby).', want: { kind: 'took-service', what: 'took the service (primary, no synchronous standby)' } },
    { line: 'synchronous_standby_names now empty (SOLO).', want: { kind: 'sync-standby', what: 'synchronous_standby_names now empty (SOLO)' } },
    { line: "synchronous_standby_names now 'pollux'.", want: { kind: 'sync-standby', what: "synchronous_standby_names now 'pollux'" } },
    { line: 'This node was paused 3012 ms: the peer\'s silence is counted afresh.', want: { kind: 'paused', what: 'noticed it was paused 3012 ms' } },
    { line: 'Following pollux: starting PostgreSQL as its standby (a stale primary: stopped and rewound).', want: { kind: 'following', what: 'following pollux as its standby' } },
    { line: 'Node castor: status active (heard on hb0).', want: { kind: 'peer-back', what: 'castor heard again' } },
    { line: 'Late heartbeat: Node castor: interval 612 ms', want: undefined },
    { line: 'Link castor:eth0 dead.', want: undefined },
  ];
  for (const c of cases) it(c.line, () => assert.deepEqual(classifyLine(c.line), c.want));
});

describe('buildTimeline()', () => {
  const T0 = Date.parse('2026-12-05T07:00:00.000Z');
  const iso = (ms: number): string => new Date(T0 + ms).toISOString();
  const writes: WriteRecord[] = [
    { seq: 1, sent: T0 - 40, ack: T0 - 30, node: 'castor' },
    { seq: 2, sent: T0 - 20, ack: T0 - 10, node: 'castor' },
    { seq: 3, sent: T0 + 0, failed: T0 + 1000, error: 'timeout' },
    { seq: 4, sent: T0 + 1010, ack: T0 + 1400, node: 'pollux' },
    { seq: 5, sent: T0 + 1030, ack: T0 + 1420, node: 'pollux' },
  ];
  const logs = {
    pollux: [
      `${iso(-500)} info: Node castor: status active (heard on hb0).`,
      `${iso(1001)} warn: Node castor: is dead (silent 1001 ms on every medium).`,
      'a line without a time',
      `${iso(1010)} info: Asking the witness for epoch 4: primary pollux, SOLO (take): castor is dead.`,
      `${iso(1030)} info: The witness recorded it (take).`,
      `${iso(1250)} info: promote pgbeat_bed: ok in 200 ms`,
      `${iso(1290)} info: start ocf:pgbeat:IPaddr::ip=192.0.2.10::cidr_netmask=24::nic=eth0: ok in 40 ms`,
      `${iso(1291)} info: Took the service (primary, no synchronous standby).`,
      `${iso(9000)} info: Node castor: status active (heard on hb0).`,
    ].join('\n'),
    witness: `${iso(1020)} info: Recorded epoch 4: primary pollux, SOLO for pollux.\n`,
    castor: '',
  };
  const cases: { name: string; until?: number; to?: string; after?: number; writes: WriteRecord[]; want: [number, string, string][] }[] = [
    {
      name: 'a failover: steps in time order, offsets from the fault, ending 2 s after the first write',
      writes,
      want: [
        [-10, 'client', 'last-write'], [0, 'bed', 'fault'], [1001, 'pollux', 'peer-dead'], [1010, 'pollux', 'witness-asked'],
        [1020, 'witness', 'witness-recorded'], [1030, 'pollux', 'witness-recorded'], [1250, 'pollux', 'promoted'],
        [1290, 'pollux', 'vip-up'], [1291, 'pollux', 'took-service'], [1400, 'client', 'first-write'],
      ],
    },
    {
      name: 'the first write is the first acknowledged by `to` (the old primary answered a few more after a command)',
      until: T0 + 1005, to: 'pollux',
      writes: [...writes.slice(0, 2), { seq: 3, sent: T0 + 5, ack: T0 + 15, node: 'castor' }, ...writes.slice(3)],
      want: [[-10, 'client', 'last-write'], [0, 'bed', 'fault'], [1001, 'pollux', 'peer-dead'], [1400, 'client', 'first-write']],
    },
    {
      name: 'writes sent before `after` do not count',
      until: T0 + 1005, after: T0 + 1020,
      writes,
      want: [[-10, 'client', 'last-write'], [0, 'bed', 'fault'], [1001, 'pollux', 'peer-dead'], [1420, 'client', 'first-write']],
    },
    {
      name: 'until cuts the log steps',
      until: T0 + 1025, writes,
      want: [[-10, 'client', 'last-write'], [0, 'bed', 'fault'], [1001, 'pollux', 'peer-dead'], [1010, 'pollux', 'witness-asked'], [1020, 'witness', 'witness-recorded'], [1400, 'client', 'first-write']],
    },
    {
      name: 'no write acknowledged after the fault: steps up to 60 s, no first write',
      writes: writes.slice(0, 3),
      want: [
        [-10, 'client', 'last-write'], [0, 'bed', 'fault'], [1001, 'pollux', 'peer-dead'], [1010, 'pollux', 'witness-asked'],
        [1020, 'witness', 'witness-recorded'], [1030, 'pollux', 'witness-recorded'], [1250, 'pollux', 'promoted'],
        [1290, 'pollux', 'vip-up'], [1291, 'pollux', 'took-service'], [9000, 'pollux', 'peer-back'],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = buildTimeline({ faultAt: T0, fault: 'power loss', node: 'castor', logs, writes: c.writes, ...(c.until ? { until: c.until } : {}), ...(c.to ? { to: c.to } : {}), ...(c.after ? { after: c.after } : {}) });
      assert.deepEqual(t.map((e) => [e.offsetMs, e.host, e.kind]), c.want);
    });
  }

  it('formats one line per step with signed offsets', () => {
    const t = buildTimeline({ faultAt: T0, fault: 'power loss', node: 'castor', logs, writes, until: T0 + 1005 });
    assert.equal(formatTimeline(t), [
      '  -10 ms  client  last write acknowledged before the fault (by castor)',
      '   +0 ms  bed     power loss of castor',
      '+1001 ms  pollux  declared castor dead',
      '+1400 ms  client  first write sent after the fault acknowledged (by pollux)',
    ].join('\n'));
  });
});
