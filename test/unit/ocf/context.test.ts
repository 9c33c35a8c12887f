import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetMs, DEFAULT_STATE_DIR, parseContext } from '../../../lib/ocf/context.ts';

type Env = Record<string, string | undefined>;

test('parseContext reads the OCF form `agent action` as not v1, with no positional arguments', () => {
  const ctx = parseContext(['start'], { OCF_RESOURCE_INSTANCE: 'vip' });
  assert.equal(ctx.action, 'start');
  assert.equal(ctx.v1, false);
  assert.deepEqual(ctx.positional, []);
  assert.equal(ctx.instance, 'vip');
});

test('parseContext reads the heartbeat v1 form `agent a1 a2 action`: last word is the action', () => {
  const ctx = parseContext(['192.0.2.110/24', 'eth0', 'status'], {});
  assert.equal(ctx.action, 'status');
  assert.equal(ctx.v1, true);
  assert.deepEqual(ctx.positional, ['192.0.2.110/24', 'eth0']);
});

test('parseContext gives an empty action and no v1 form when argv is empty', () => {
  const ctx = parseContext([], {});
  assert.equal(ctx.action, '');
  assert.equal(ctx.v1, false);
  assert.deepEqual(ctx.positional, []);
});

test('parseContext names the instance `default` when OCF_RESOURCE_INSTANCE is unset or empty', () => {
  assert.equal(parseContext(['monitor'], {}).instance, 'default');
  assert.equal(parseContext(['monitor'], { OCF_RESOURCE_INSTANCE: '' }).instance, 'default');
});

test('parseContext splits OCF_RESKEY_* parameters from OCF_RESKEY_CRM_meta_* values', () => {
  const ctx = parseContext(['start'], {
    OCF_RESKEY_ip: '192.0.2.10',
    OCF_RESKEY_nic: 'eth0',
    OCF_RESKEY_CRM_meta_timeout: '20000',
    OCF_RESKEY_CRM_meta_notify_type: 'pre',
    OCF_RESKEY_empty: '',
    OCF_RESKEY_unset: undefined,
    OCF_ROOT: '/usr/lib/ocf',
    PATH: '/usr/bin',
  });
  assert.deepEqual(ctx.reskeys, { ip: '192.0.2.10', nic: 'eth0', empty: '' });
  assert.deepEqual(ctx.meta, { timeout: '20000', notify_type: 'pre' });
});

const probeCases: { name: string; action: string; interval: string | undefined; probe: boolean; intervalMs: number }[] = [
  { name: 'monitor without interval', action: 'monitor', interval: undefined, probe: true, intervalMs: 0 },
  { name: 'monitor with interval 0', action: 'monitor', interval: '0', probe: true, intervalMs: 0 },
  { name: 'status without interval', action: 'status', interval: undefined, probe: true, intervalMs: 0 },
  { name: 'recurring monitor', action: 'monitor', interval: '10000', probe: false, intervalMs: 10000 },
  { name: 'recurring status', action: 'status', interval: '20000', probe: false, intervalMs: 20000 },
  { name: 'start', action: 'start', interval: undefined, probe: false, intervalMs: 0 },
  { name: 'stop with interval 0', action: 'stop', interval: '0', probe: false, intervalMs: 0 },
  { name: 'validate-all', action: 'validate-all', interval: undefined, probe: false, intervalMs: 0 },
];
for (const c of probeCases) {
  test(`parseContext: ${c.name} is ${c.probe ? '' : 'not '}a probe (interval ${c.intervalMs} ms)`, () => {
    const env: Env = c.interval === undefined ? {} : { OCF_RESKEY_CRM_meta_interval: c.interval };
    const ctx = parseContext([c.action], env);
    assert.equal(ctx.isProbe, c.probe);
    assert.equal(ctx.intervalMs, c.intervalMs);
  });
}

const timeoutCases: [string | undefined, number | undefined][] = [
  ['20000', 20000],
  ['90000', 90000],
  [undefined, undefined],
  ['', undefined],
  ['0', undefined],
  ['20s', undefined],
  ['-5', undefined],
];
for (const [raw, want] of timeoutCases) {
  test(`parseContext reads CRM_meta_timeout ${JSON.stringify(raw)} as ${want === undefined ? 'no timeout' : `${want} ms`}`, () => {
    const env: Env = raw === undefined ? {} : { OCF_RESKEY_CRM_meta_timeout: raw };
    assert.equal(parseContext(['start'], env).timeoutMs, want);
  });
}

const checkLevelCases: { name: string; env: Env; want: number }[] = [
  { name: 'unset gives 0', env: {}, want: 0 },
  { name: 'OCF_CHECK_LEVEL=10', env: { OCF_CHECK_LEVEL: '10' }, want: 10 },
  { name: 'OCF_CHECK_LEVEL=20', env: { OCF_CHECK_LEVEL: '20' }, want: 20 },
  { name: 'legacy OCF_RESKEY_OCF_CHECK_LEVEL=10', env: { OCF_RESKEY_OCF_CHECK_LEVEL: '10' }, want: 10 },
  { name: 'OCF_CHECK_LEVEL wins over the legacy spelling', env: { OCF_CHECK_LEVEL: '20', OCF_RESKEY_OCF_CHECK_LEVEL: '10' }, want: 20 },
  { name: 'empty OCF_CHECK_LEVEL falls back to the legacy spelling', env: { OCF_CHECK_LEVEL: '', OCF_RESKEY_OCF_CHECK_LEVEL: '10' }, want: 10 },
  { name: 'a non-number gives 0', env: { OCF_CHECK_LEVEL: 'deep' }, want: 0 },
];
for (const c of checkLevelCases) {
  test(`parseContext check level: ${c.name}`, () => {
    assert.equal(parseContext(['monitor'], c.env).checkLevel, c.want);
  });
}

test('parseContext keeps the legacy OCF_RESKEY_OCF_CHECK_LEVEL out of the parameters', () => {
  const ctx = parseContext(['monitor'], { OCF_RESKEY_OCF_CHECK_LEVEL: '10', OCF_RESKEY_ip: '192.0.2.10' });
  assert.deepEqual(ctx.reskeys, { ip: '192.0.2.10' });
});

test('parseContext defaults HA_RSCTMP to /run/resource-agents when unset or empty', () => {
  assert.equal(DEFAULT_STATE_DIR, '/run/resource-agents');
  assert.equal(parseContext(['start'], {}).stateDir, '/run/resource-agents');
  assert.equal(parseContext(['start'], { HA_RSCTMP: '' }).stateDir, '/run/resource-agents');
  assert.equal(parseContext(['start'], { HA_RSCTMP: '/tmp/rsc' }).stateDir, '/tmp/rsc');
});

const debugCases: [string | undefined, boolean][] = [
  [undefined, false],
  ['', false],
  ['0', false],
  ['1', true],
  ['2', true],
];
for (const [raw, want] of debugCases) {
  test(`parseContext: HA_debug=${JSON.stringify(raw)} turns debug ${want ? 'on' : 'off'}`, () => {
    assert.equal(parseContext(['start'], raw === undefined ? {} : { HA_debug: raw }).debug, want);
  });
}

test('parseContext ignores the upper-case HA_DEBUG, which nothing reads', () => {
  assert.equal(parseContext(['start'], { HA_DEBUG: '1' }).debug, false);
});

test('parseContext turns trace on for OCF_TRACE_RA=1 and off for 0', () => {
  assert.equal(parseContext(['start'], { OCF_TRACE_RA: '1' }).trace, true);
  assert.equal(parseContext(['start'], { OCF_TRACE_RA: '0' }).trace, false);
  assert.equal(parseContext(['start'], {}).trace, false);
});

const logFileCases: { name: string; env: Env; want: string | undefined }[] = [
  { name: 'unset', env: {}, want: undefined },
  { name: 'none', env: { HA_LOGFILE: 'none' }, want: undefined },
  { name: '/dev/null', env: { HA_LOGFILE: '/dev/null' }, want: undefined },
  { name: 'empty', env: { HA_LOGFILE: '' }, want: undefined },
  { name: 'a path', env: { HA_LOGFILE: '/var/log/ha-log' }, want: '/var/log/ha-log' },
  { name: 'PCMK_LOGFILE when HA_LOGFILE is unset', env: { PCMK_LOGFILE: '/var/log/pacemaker/pacemaker.log' }, want: '/var/log/pacemaker/pacemaker.log' },
];
for (const c of logFileCases) {
  test(`parseContext log file: ${c.name} gives ${c.want ?? 'no file'}`, () => {
    assert.equal(parseContext(['start'], c.env).logFile, c.want);
  });
}

test('parseContext drops HA_DEBUGLOG when it is the same file as HA_LOGFILE', () => {
  assert.equal(parseContext(['start'], { HA_LOGFILE: '/var/log/ha', HA_DEBUGLOG: '/var/log/ha' }).debugLog, undefined);
  assert.equal(parseContext(['start'], { HA_LOGFILE: '/var/log/ha', HA_DEBUGLOG: '/var/log/ha-debug' }).debugLog, '/var/log/ha-debug');
  assert.equal(parseContext(['start'], { HA_DEBUGLOG: 'none' }).debugLog, undefined);
});

test('parseContext reads the syslog facility, none meaning no syslog', () => {
  assert.equal(parseContext(['start'], { HA_LOGFACILITY: 'daemon' }).logFacility, 'daemon');
  assert.equal(parseContext(['start'], { HA_LOGFACILITY: 'none' }).logFacility, undefined);
  assert.equal(parseContext(['start'], { PCMK_LOGFACILITY: 'local0' }).logFacility, 'local0');
});

test('parseContext defaults the exit reason prefix to ocf-exit-reason:', () => {
  assert.equal(parseContext(['start'], {}).exitReasonPrefix, 'ocf-exit-reason:');
  assert.equal(parseContext(['start'], { OCF_EXIT_REASON_PREFIX: 'why:' }).exitReasonPrefix, 'why:');
});

test('parseContext takes the node name from CRM_meta_on_node', () => {
  assert.equal(parseContext(['start'], { OCF_RESKEY_CRM_meta_on_node: 'node1' }).nodeName, 'node1');
  assert.equal(parseContext(['start'], {}).nodeName, undefined);
});

const budgetCases: { name: string; timeoutMs: number | undefined; fallback: number; share?: number; want: number }[] = [
  { name: 'no timeout uses the fallback', timeoutMs: undefined, fallback: 15000, want: 15000 },
  { name: '80% of the manager timeout by default', timeoutMs: 20000, fallback: 5000, want: 16000 },
  { name: 'a given share', timeoutMs: 20000, fallback: 5000, share: 0.5, want: 10000 },
  { name: 'rounds down', timeoutMs: 1001, fallback: 5000, want: 800 },
  { name: 'never below 500 ms', timeoutMs: 100, fallback: 5000, want: 500 },
];
for (const c of budgetCases) {
  test(`budgetMs: ${c.name} (${c.want} ms)`, () => {
    assert.equal(budgetMs({ timeoutMs: c.timeoutMs }, c.fallback, c.share), c.want);
  });
}
