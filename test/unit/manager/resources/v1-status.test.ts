import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v1StatusCode } from '../../../../lib/manager/resources/v1-status.ts';
import { actionCode } from '../../../../lib/manager/resources/action-code.ts';
import { exitReasonOf } from '../../../../lib/manager/resources/exit-reason.ts';

// heartbeat's we_own_resource: stdout only, "not running" first, then [Rr]unning or OK.
const statusCases: [string, number][] = [
  ['running', 0],
  ['Running', 0],
  ['INFO:  Running OK', 0],
  ['OK', 0],
  ['sshd (pid 42) is running...', 0],
  ['not running', 7],
  ['Not Running', 7],
  ['NOT running', 7],
  ['is NotRunning', 7],
  ['RUNNING', 7],
  ['ok', 7],
  ['stopped', 7],
  ['', 7],
  ['INFO: Resource is stopped', 7],
];
for (const [stdout, want] of statusCases) {
  test(`v1StatusCode reads ${JSON.stringify(stdout)} as ${want}`, () => {
    assert.equal(v1StatusCode(stdout), want);
  });
}

const codeCases: { name: string; reading: 'ocf' | 'v1-exit' | 'v1-status'; exitCode: number | undefined; stdout?: string; timedOut?: boolean; want: number }[] = [
  { name: 'an OCF code is kept', reading: 'ocf', exitCode: 8, want: 8 },
  { name: 'an OCF not-running is kept', reading: 'ocf', exitCode: 7, want: 7 },
  { name: 'a timeout is a generic error', reading: 'ocf', exitCode: 0, timedOut: true, want: 1 },
  { name: 'a signal is a generic error', reading: 'ocf', exitCode: undefined, want: 1 },
  { name: 'a v1 start that exits 0 succeeded', reading: 'v1-exit', exitCode: 0, want: 0 },
  { name: 'a v1 stop that exits 7 failed', reading: 'v1-exit', exitCode: 7, want: 1 },
  { name: 'a v1 status ignores its exit code', reading: 'v1-status', exitCode: 3, stdout: 'running', want: 0 },
  { name: 'a v1 status exiting 0 with no words is not running', reading: 'v1-status', exitCode: 0, stdout: '', want: 7 },
  { name: 'a v1 status that timed out is an error', reading: 'v1-status', exitCode: undefined, stdout: 'running', timedOut: true, want: 1 },
];
for (const c of codeCases) {
  test(`actionCode: ${c.name}`, () => {
    assert.equal(actionCode(c.reading, { exitCode: c.exitCode, stdout: c.stdout ?? '', timedOut: c.timedOut ?? false }), c.want);
  });
}

const reasonCases: [string, string, string | undefined][] = [
  ['the last ocf-exit-reason line wins', 'x\nocf-exit-reason:first\nocf-exit-reason:Refusing to promote\nmore\n', 'Refusing to promote'],
  ['else the last stderr line', 'warning: one\nERROR: cannot bind\n\n', 'ERROR: cannot bind'],
  ['nothing on stderr gives no reason', '', undefined],
];
for (const [name, stderr, want] of reasonCases) {
  test(`exitReasonOf: ${name}`, () => {
    assert.equal(exitReasonOf(stderr), want);
  });
}
