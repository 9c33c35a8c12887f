// A wait for the instance ends when it gets there, or when no postmaster runs on two probes in a row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceState } from '../../../lib/pg/instance-state.ts';
import { waitVerdict, type WaitVerdict } from '../../../lib/postgresql/wait-verdict.ts';

test('a wait goes on while the postmaster runs, and ends on the wanted state or on two probes without a postmaster', () => {
  const cases: { name: string; wanted: InstanceState[]; states: InstanceState[]; want: WaitVerdict['kind'] }[] = [
    { name: 'reached at once', wanted: ['standby'], states: ['standby'], want: 'reached' },
    { name: 'starting, then reached', wanted: ['standby'], states: ['starting', 'starting', 'standby'], want: 'reached' },
    { name: 'still starting', wanted: ['primary'], states: ['starting', 'starting', 'starting'], want: 'wait' },
    { name: 'crashed while starting (two probes)', wanted: ['standby'], states: ['starting', 'crashed-standby', 'crashed-standby'], want: 'gone' },
    { name: 'one probe without a postmaster is not enough', wanted: ['primary'], states: ['starting', 'crashed-primary'], want: 'wait' },
    { name: 'gone, then running again: the count starts afresh', wanted: ['primary'], states: ['crashed-primary', 'starting', 'stopped'], want: 'wait' },
    { name: 'stopped twice while waiting for the primary', wanted: ['primary'], states: ['stopped', 'stopped-standby'], want: 'gone' },
    { name: 'a wait for a stop is reached by a stopped instance', wanted: ['stopped', 'crashed-primary'], states: ['stopping', 'crashed-primary'], want: 'reached' },
    { name: 'unknown is not gone', wanted: ['standby'], states: ['unknown', 'unknown', 'unknown'], want: 'wait' },
  ];
  for (const c of cases) {
    let gone = 0;
    let v: WaitVerdict = { kind: 'wait', goneInARow: 0 };
    for (const st of c.states) {
      v = waitVerdict(c.wanted, st, gone);
      if (v.kind !== 'wait') break;
      gone = v.goneInARow;
    }
    assert.equal(v.kind, c.want, c.name);
  }
});
