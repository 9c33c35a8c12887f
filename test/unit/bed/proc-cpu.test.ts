// A process's CPU ticks and RSS from /proc text, and % of a core between two samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuPercent, parseProcStat, parseVmRssKb } from '../../helpers/bed/proc-cpu.ts';

// Fields 1-17 of a real stat line: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
const stat = (comm: string, utime: number, stime: number, cutime: number, cstime: number): string =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1200 300 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 11 0 123456 1000000 5000`;

describe('parseProcStat()', () => {
  it('reads utime, stime, cutime and cstime', () => {
    assert.deepEqual(parseProcStat(stat('node', 150, 40, 7, 3)), { utime: 150, stime: 40, cutime: 7, cstime: 3 });
  });
  it('counts fields after the last ")" (a command name with spaces and parentheses)', () => {
    assert.deepEqual(parseProcStat(stat('a) b (c', 1, 2, 3, 4)), { utime: 1, stime: 2, cutime: 3, cstime: 4 });
  });
  it('refuses text that is not a stat line', () => {
    assert.throws(() => parseProcStat('garbage'), /not a \/proc\/<pid>\/stat line/);
    assert.throws(() => parseProcStat('1 (x) S 1 2'), /field 14 is not a tick count/);
  });
});

describe('parseVmRssKb()', () => {
  it('reads VmRSS in kB, undefined when absent', () => {
    assert.equal(parseVmRssKb('Name:\tnode\nVmPeak:\t 900000 kB\nVmRSS:\t   61234 kB\nThreads:\t11\n'), 61234);
    assert.equal(parseVmRssKb('Name:\tkthreadd\nThreads:\t1\n'), undefined);
  });
});

describe('cpuPercent()', () => {
  const a = { utime: 100, stime: 50, cutime: 10, cstime: 5 };
  it('gives % of one core for the process alone and with its children', () => {
    // 20 own ticks and 30 children's ticks at 100 Hz over 10 s: 2 % and 5 %.
    const p = cpuPercent(a, { utime: 115, stime: 55, cutime: 30, cstime: 15 }, 100, 10);
    assert.ok(Math.abs(p.own - 2) < 1e-9, String(p.own));
    assert.ok(Math.abs(p.withChildren - 5) < 1e-9, String(p.withChildren));
  });
  it('is 0 for an idle process', () => assert.deepEqual(cpuPercent(a, a, 100, 10), { own: 0, withChildren: 0 }));
  it('refuses a zero interval or tick rate', () => {
    assert.throws(() => cpuPercent(a, a, 100, 0), /positive interval/);
    assert.throws(() => cpuPercent(a, a, 0, 10), /positive interval/);
  });
});
