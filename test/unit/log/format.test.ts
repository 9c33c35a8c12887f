import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileLine, haDate, levelLine, logTag, oneLine, syslogPriority, type LogLevel } from '../../../lib/log/format.ts';

test('logTag is <agent>(<instance>)[<pid>] as ocf_log writes it', () => {
  assert.equal(logTag('IPaddr', 'vip', 8758), 'IPaddr(vip)[8758]');
  assert.equal(logTag('postgresql', 'pg:1', 1), 'postgresql(pg:1)[1]');
});

const levels: [LogLevel, string, string][] = [
  ['debug', 'DEBUG: m', 'debug'],
  ['info', 'INFO: m', 'info'],
  ['warn', 'WARNING: m', 'warning'],
  ['err', 'ERROR: m', 'err'],
  ['crit', 'CRIT: m', 'crit'],
];
for (const [level, line, priority] of levels) {
  test(`levelLine writes ${level} as "${line}" with syslog priority ${priority}`, () => {
    assert.equal(levelLine(level, 'm'), line);
    assert.equal(syslogPriority(level), priority);
  });
}

test('haDate renders the default HA_DATEFMT `%b %d %T ` with zero padding and a trailing space', () => {
  assert.equal(haDate(new Date(2024, 0, 5, 7, 8, 9)), 'Jan 05 07:08:09 ');
  assert.equal(haDate(new Date(2023, 11, 31, 23, 59, 58)), 'Dec 31 23:59:58 ');
});

test('fileLine is `<date>TAG:    LEVEL: msg` with a newline, as HA_LOGFILE lines are', () => {
  const d = new Date(2024, 10, 24, 7, 15, 39);
  assert.equal(fileLine(d, 'IPaddr(vip)[42]', 'info', 'Adding inet address'), 'Nov 24 07:15:39 IPaddr(vip)[42]:    INFO: Adding inet address\n');
  assert.equal(fileLine(d, 't', 'err', 'x'), 'Nov 24 07:15:39 t:    ERROR: x\n');
});

const oneLineCases: [string, string][] = [
  ['plain', 'plain'],
  ['first\nsecond', 'first second'],
  ['first\r\nsecond', 'first second'],
  ['a  \n\n  b\n', 'a b'],
  ['  padded  ', 'padded'],
  ['keeps  inner  spaces', 'keeps  inner  spaces'],
  ['line\n', 'line'],
];
for (const [input, want] of oneLineCases) {
  test(`oneLine turns ${JSON.stringify(input)} into ${JSON.stringify(want)}`, () => {
    assert.equal(oneLine(input), want);
  });
}
