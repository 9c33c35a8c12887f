import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INFO_ACTIONS, LIGHT_ACTIONS, needsReason, onParamError, UNEXPECTED, v1StatusWord } from '../../../lib/ocf/dispatch.ts';
import type { OcfCode } from '../../../lib/ocf/exit-codes.ts';

const paramErrorCases: { action: string; probe: boolean; code: OcfCode; want: OcfCode; why: string }[] = [
  { action: 'stop', probe: false, code: 6, want: 0, why: 'a resource that cannot be configured cannot be running' },
  { action: 'stop', probe: false, code: 2, want: 0, why: 'stop succeeds whatever the parameter error' },
  { action: 'monitor', probe: true, code: 6, want: 7, why: 'a probe reports not running' },
  { action: 'status', probe: true, code: 2, want: 7, why: 'a status probe reports not running' },
  { action: 'monitor', probe: false, code: 6, want: 6, why: 'a recurring monitor keeps the error' },
  { action: 'start', probe: false, code: 6, want: 6, why: 'start fails with the error' },
  { action: 'validate-all', probe: false, code: 6, want: 6, why: 'validate-all reports the error' },
  { action: 'start', probe: false, code: 2, want: 2, why: 'the code is passed through' },
  { action: 'notify', probe: false, code: 6, want: 0, why: 'notify has nothing to do' },
];
for (const c of paramErrorCases) {
  test(`onParamError: ${c.action}${c.probe ? ' (probe)' : ''} with ${c.code} exits ${c.want}: ${c.why}`, () => {
    assert.equal(onParamError(c.action, c.probe, c.code), c.want);
  });
}

const reasonCases: { action: string; code: OcfCode; want: boolean }[] = [
  { action: 'start', code: 0, want: false },
  { action: 'monitor', code: 0, want: false },
  { action: 'monitor', code: 7, want: false },
  { action: 'status', code: 7, want: false },
  { action: 'monitor', code: 8, want: false },
  { action: 'monitor', code: 1, want: true },
  { action: 'monitor', code: 9, want: true },
  { action: 'start', code: 1, want: true },
  { action: 'start', code: 7, want: true },
  { action: 'stop', code: 1, want: true },
  { action: 'validate-all', code: 6, want: true },
];
for (const c of reasonCases) {
  test(`needsReason: ${c.action} exiting ${c.code} ${c.want ? 'prints' : 'prints no'} exit reason`, () => {
    assert.equal(needsReason(c.action, c.code), c.want);
  });
}

const statusCases: [OcfCode, 'running' | 'stopped'][] = [
  [0, 'running'],
  [8, 'running'],
  [7, 'stopped'],
  [1, 'stopped'],
  [9, 'stopped'],
  [6, 'stopped'],
];
for (const [code, word] of statusCases) {
  test(`v1StatusWord prints ${word} for code ${code}`, () => {
    assert.equal(v1StatusWord(code), word);
  });
}

test('meta-data, usage, help and methods are answered without parameters; start is not', () => {
  for (const a of ['meta-data', 'usage', 'help', 'methods']) assert.ok(INFO_ACTIONS.has(a), a);
  assert.equal(INFO_ACTIONS.has('start'), false);
});

test('stop, monitor, status and notify skip local validation; start and promote do not', () => {
  for (const a of ['stop', 'monitor', 'status', 'notify']) assert.ok(LIGHT_ACTIONS.has(a), a);
  for (const a of ['start', 'promote', 'demote', 'validate-all']) assert.equal(LIGHT_ACTIONS.has(a), false, a);
});

test('an unexpected exception exits OCF_ERR_GENERIC (1)', () => {
  assert.equal(UNEXPECTED, 1);
});
