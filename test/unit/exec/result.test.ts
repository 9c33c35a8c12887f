import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, describeFailure, quoteArg, type CommandResult } from '../../../lib/exec/result.ts';

const result = (over: Partial<CommandResult>): CommandResult => ({
  command: 'ip addr add 192.0.2.10/24 dev eth0',
  exitCode: 2,
  signal: undefined,
  stdout: '',
  stderr: '',
  failed: true,
  timedOut: false,
  notFound: false,
  durationMs: 12,
  ...over,
});

const failureCases: { name: string; r: Partial<CommandResult>; want: string }[] = [
  { name: 'a missing program', r: { command: 'arping -c 1', notFound: true, exitCode: undefined }, want: 'arping -c 1: command not found' },
  { name: 'a timeout, with its duration', r: { command: 'pg_ctl start', timedOut: true, signal: 'SIGTERM', durationMs: 5000.4 }, want: 'pg_ctl start: timed out after 5000 ms' },
  { name: 'a signal death', r: { command: 'x', exitCode: undefined, signal: 'SIGKILL' }, want: 'x: killed by SIGKILL' },
  { name: 'an exit code without output', r: { command: 'x', exitCode: 3 }, want: 'x: exit code 3' },
  {
    name: 'the last stderr line as detail',
    r: { command: 'ip', stderr: 'Warning: foo\nRTNETLINK answers: File exists\n' },
    want: 'ip: exit code 2 (RTNETLINK answers: File exists)',
  },
  { name: 'stdout when stderr is empty', r: { command: 'x', exitCode: 1, stderr: '  \n', stdout: 'out line\n' }, want: 'x: exit code 1 (out line)' },
  { name: 'stderr in preference to stdout', r: { command: 'x', exitCode: 1, stderr: 'err', stdout: 'out' }, want: 'x: exit code 1 (err)' },
];
for (const c of failureCases) {
  test(`describeFailure reports ${c.name}`, () => {
    assert.equal(describeFailure(result(c.r)), c.want);
  });
}

test('describeFailure puts "not found" before "timed out" when both are set', () => {
  assert.equal(describeFailure(result({ command: 'y', notFound: true, timedOut: true })), 'y: command not found');
});

const quoteCases: [string, string][] = [
  ['eth0', 'eth0'],
  ['192.0.2.10/24', '192.0.2.10/24'],
  ['--foo=bar,baz', '--foo=bar,baz'],
  ['user@host:/path', 'user@host:/path'],
  ['', "''"],
  ['two words', "'two words'"],
  ["it's", "'it'\\''s'"],
  ['$HOME', "'$HOME'"],
  ['a;b', "'a;b'"],
  ['*', "'*'"],
];
for (const [arg, want] of quoteCases) {
  test(`quoteArg shows ${JSON.stringify(arg)} as ${want}`, () => {
    assert.equal(quoteArg(arg), want);
  });
}

test('commandLine joins the program and its quoted arguments with spaces', () => {
  assert.equal(commandLine('/usr/sbin/ip', ['-j', 'addr', 'show']), '/usr/sbin/ip -j addr show');
  assert.equal(commandLine('psql', ['-c', 'SELECT 1']), "psql -c 'SELECT 1'");
  assert.equal(commandLine('true', []), 'true');
});
