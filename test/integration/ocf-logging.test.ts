// The OCF core's environment handling as a manager sees it: log destinations, debug stack traces,
// command tracing, exit reasons, v1 status words. Uses the built IPaddr agent (no network needed).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';

const IPADDR = agentPath('IPaddr');

before(() => {
  assert.ok(existsSync(IPADDR), `${IPADDR} is missing: run npm run build first`);
});

test('HA_LOGFILE receives ocf_log-shaped lines tagged <agent>(<instance>)[<pid>]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-log-'));
  try {
    const file = join(dir, 'ha.log');
    const r = callAgent(IPADDR, 'validate-all', { ip: '192.0.2.300' }, {
      extraEnv: { HA_LOGFILE: file, OCF_RESOURCE_INSTANCE: 'vip1' },
    });
    assert.equal(r.code, 6);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\w{3} \d{2} \d{2}:\d{2}:\d{2} IPaddr\(vip1\)\[\d+\]: {4}ERROR: Invalid parameter ip='192\.0\.2\.300'/m);
    // With a log file and no facility, ocf_log does not also write the message to stderr.
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^ocf-exit-reason:Invalid parameter ip='192\.0\.2\.300'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without HA_LOGFILE or HA_LOGFACILITY the log goes to stderr with a date and level', () => {
  const r = callAgent(IPADDR, 'validate-all', { ip: '192.0.2.10', cidr_netmask: '40' });
  assert.equal(r.code, 6);
  assert.match(r.stderr, /^\w{3} \d{2} \d{2}:\d{2}:\d{2} ERROR: Invalid parameter cidr_netmask='40'/m);
});

test('an unexpected exception is one reason line; the stack trace appears only with HA_debug=1', () => {
  // A fake `ip` first in PATH that prints garbage: the JSON parser throws an unplanned SyntaxError.
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-dbg-'));
  try {
    writeFileSync(join(dir, 'ip'), '#!/bin/sh\necho "not json"\n', { mode: 0o755 });
    const env = { PATH: `${dir}:/usr/sbin:/usr/bin:/sbin:/bin` };
    const quiet = callAgent(IPADDR, 'monitor', { ip: '192.0.2.10', nic: 'lo' }, { extraEnv: { ...env, OCF_RESKEY_CRM_meta_interval: '10000' } });
    assert.equal(quiet.code, 1, quiet.stderr);
    assert.equal(quiet.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).length, 1);
    assert.match(quiet.reason ?? '', /monitor failed unexpectedly: Cannot parse ip -j addr output/);
    assert.doesNotMatch(quiet.stderr, /^\s+at /m);
    const loud = callAgent(IPADDR, 'monitor', { ip: '192.0.2.10', nic: 'lo' }, { extraEnv: { ...env, OCF_RESKEY_CRM_meta_interval: '10000', HA_debug: '1' } });
    assert.equal(loud.code, 1);
    assert.match(loud.stderr, /^\s+at /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OCF_TRACE_RA logs every command the agent runs, with its outcome', () => {
  const r = callAgent(IPADDR, 'monitor', { ip: '192.0.2.10', nic: 'lo' }, { extraEnv: { OCF_TRACE_RA: '1' } });
  assert.equal(r.code, 7);
  assert.match(r.stderr, /trace: \S*ip -j addr show -> exit 0 in \d+ ms/);
  const untraced = callAgent(IPADDR, 'monitor', { ip: '192.0.2.10', nic: 'lo' });
  assert.doesNotMatch(untraced.stderr, /trace:/);
});

test('meta-data, usage and methods answer without parameters; an unknown action is 3 with a reason', () => {
  for (const action of ['meta-data', 'usage', 'methods']) {
    const r = callAgent(IPADDR, action);
    assert.equal(r.code, 0, `${action}: ${r.stderr}`);
    assert.equal(r.reason, undefined);
  }
  const r = callAgent(IPADDR, 'frobnicate', { ip: '192.0.2.10' });
  assert.equal(r.code, 3);
  assert.match(r.reason ?? '', /Unsupported action 'frobnicate'/);
});
