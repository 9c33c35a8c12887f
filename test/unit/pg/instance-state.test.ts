import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyInstance, type InstanceProbe, type InstanceState } from '../../../lib/pg/instance-state.ts';

const up = { postmasterPid: 100, postmasterAlive: true };
const down = { postmasterPid: undefined, postmasterAlive: false };
const stale = { postmasterPid: 100, postmasterAlive: false };

const cases: [string, InstanceProbe, InstanceState, RegExp?][] = [
  ['accepting, not in recovery, in production', { isready: 0, controlState: 'in production', ...up, inRecovery: false }, 'primary'],
  ['accepting, in recovery, in archive recovery', { isready: 0, controlState: 'in archive recovery', ...up, inRecovery: true }, 'standby'],
  ['accepting, in recovery but in production', { isready: 0, controlState: 'in production', ...up, inRecovery: true }, 'unknown', /promotion in progress/],
  ['accepting, not in recovery but archive recovery', { isready: 0, controlState: 'in archive recovery', ...up, inRecovery: false }, 'unknown', /pg_is_in_recovery\(\) is false/],
  ['accepting, query failed', { isready: 0, controlState: 'in production', ...up, inRecovery: undefined }, 'unknown', /could not be read/],
  ['accepting but controldata shut down', { isready: 0, controlState: 'shut down', ...up, inRecovery: false }, 'unknown', /another data directory/],
  ['accepting but no postmaster of ours', { isready: 0, controlState: 'shut down', ...down, inRecovery: false }, 'unknown', /another instance on the same port/],
  ['rejecting, shutting down', { isready: 1, controlState: 'shutting down', ...up, inRecovery: undefined }, 'stopping'],
  ['rejecting, in production (shutdown waits)', { isready: 1, controlState: 'in production', ...up, inRecovery: undefined }, 'stopping'],
  ['rejecting, crash recovery', { isready: 1, controlState: 'in crash recovery', ...up, inRecovery: undefined }, 'starting'],
  ['rejecting, still shut down (just launched)', { isready: 1, controlState: 'shut down', ...up, inRecovery: undefined }, 'starting'],
  ['rejecting, archive recovery', { isready: 1, controlState: 'in archive recovery', ...up, inRecovery: undefined }, 'starting', /hot_standby is off/],
  ['rejecting, no postmaster of ours', { isready: 1, controlState: 'shut down', ...down, inRecovery: undefined }, 'unknown', /rejects connections/],
  ['no response, clean shutdown', { isready: 2, controlState: 'shut down', ...down, inRecovery: undefined }, 'stopped'],
  ['no response, standby shut down', { isready: 2, controlState: 'shut down in recovery', ...down, inRecovery: undefined }, 'stopped-standby'],
  ['no response, in production: crashed primary', { isready: 2, controlState: 'in production', ...down, inRecovery: undefined }, 'crashed-primary', /no postmaster runs but controldata says 'in production'/],
  ['no response, stale pid, in production', { isready: 2, controlState: 'in production', ...stale, inRecovery: undefined }, 'crashed-primary', /stale postmaster.pid, PID 100 is gone/],
  ['no response, in crash recovery', { isready: 2, controlState: 'in crash recovery', ...down, inRecovery: undefined }, 'crashed-primary'],
  ['no response, died in shutdown checkpoint', { isready: 2, controlState: 'shutting down', ...down, inRecovery: undefined }, 'crashed-primary'],
  ['no response, archive recovery: crashed standby', { isready: 2, controlState: 'in archive recovery', ...down, inRecovery: undefined }, 'crashed-standby'],
  ['no response, controldata unreadable', { isready: 2, controlState: undefined, ...down, inRecovery: undefined }, 'unknown', /could not be read/],
  ['no response, starting up without postmaster', { isready: 2, controlState: 'starting up', ...down, inRecovery: undefined }, 'unknown', /initdb/],
  ['no response, live postmaster, shutting down', { isready: 2, controlState: 'shutting down', ...up, inRecovery: undefined }, 'stopping'],
  ['no response, live postmaster, crash recovery', { isready: 2, controlState: 'in crash recovery', ...up, inRecovery: undefined }, 'starting'],
  ['no response, live postmaster, in production', { isready: 2, controlState: 'in production', ...up, inRecovery: undefined }, 'unknown', /postmaster 100 is alive but does not answer/],
  ['full (53300), in production: a busy primary', { isready: 0, controlState: 'in production', ...up, inRecovery: undefined, full: true }, 'primary', /too many clients/],
  ['full (53300), archive recovery: a busy standby', { isready: 0, controlState: 'in archive recovery', ...up, inRecovery: undefined, full: true }, 'standby', /connection slot/],
  ['full (53300), shutting down', { isready: 0, controlState: 'shutting down', ...up, inRecovery: undefined, full: true }, 'stopping'],
  ['full (53300), control file unreadable', { isready: 0, controlState: undefined, ...up, inRecovery: undefined, full: true }, 'unknown', /too many clients/],
  ['full (53300) but no postmaster of ours', { isready: 0, controlState: 'in production', ...down, inRecovery: undefined, full: true }, 'unknown', /another instance on the same port/],
  ['no attempt', { isready: 3, controlState: 'in production', ...up, inRecovery: undefined }, 'unknown', /invalid connection parameters/],
];

test('classifyInstance() follows the probe chain (table)', () => {
  for (const [name, probe, state, reason] of cases) {
    const got = classifyInstance(probe);
    assert.equal(got.state, state, name);
    assert.ok(got.reason.length > 10 && !got.reason.includes('\n'), `${name}: one-sentence reason`);
    if (reason) assert.match(got.reason, reason, name);
  }
});
