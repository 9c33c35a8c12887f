import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceSpec } from '../../../../lib/manager/config/cluster-config.ts';
import { defaultResolveOptions, instanceName, resolveInvocation, v1ScriptCandidates } from '../../../../lib/manager/resources/invocation.ts';
import { isPostgresqlResource, postgresqlParams } from '../../../../lib/manager/resources/postgresql-resource.ts';

const o = { ...defaultResolveOptions('node1'), ocfRoot: '/t/ocf', v1Dirs: ['/t/resource.d', '/t/init.d'], stateDir: '/t/run' };
const v1 = (name: string, ...args: string[]): ResourceSpec => ({ kind: 'v1', name, args, text: [name, ...args].join('::') });
const ocf = (provider: string, type: string, params: Record<string, string>): ResourceSpec => ({
  kind: 'ocf', provider, type, params, text: `ocf:${provider}:${type}${Object.entries(params).map(([k, v]) => `::${k}=${v}`).join('')}`,
});
const PG_OCF = ocf('pgbeat', 'postgresql', { pgdata: '/var/lib/postgresql/15/main', peers: 'node1=192.0.2.11 node2=192.0.2.12' });
const PG_V1 = v1('pgbeat-postgresql', '/var/lib/postgresql/15/main', '192.0.2.10', 'node2=192.0.2.12', 'sync_mode=strict');

test('v1ScriptCandidates: resource.d first, then init.d; no path tricks', () => {
  assert.deepEqual(v1ScriptCandidates('IPaddr', ['/etc/ha.d/resource.d', '/etc/init.d']), ['/etc/ha.d/resource.d/IPaddr', '/etc/init.d/IPaddr']);
  assert.deepEqual(v1ScriptCandidates('../bin/sh', ['/etc/init.d']), []);
  assert.deepEqual(v1ScriptCandidates('..', ['/etc/init.d']), []);
});

const instanceCases: [string, ResourceSpec, string][] = [
  ['a v1 script: its name', v1('apache', '/etc/apache.conf'), 'apache'],
  ['an OCF agent with ip: type_ip', ocf('heartbeat', 'IPaddr2', { ip: '192.0.2.10', cidr_netmask: '24' }), 'IPaddr2_192.0.2.10'],
  ['an OCF agent without params: its type', ocf('heartbeat', 'Dummy', {}), 'Dummy'],
  ['postgresql (OCF): postgresql_<pgdata>, as its v1 form', PG_OCF, 'postgresql_var_lib_postgresql_15_main'],
  ['postgresql (v1 form): the same name', PG_V1, 'postgresql_var_lib_postgresql_15_main'],
];
for (const [name, spec, want] of instanceCases) {
  test(`instanceName: ${name}`, () => assert.equal(instanceName(spec), want));
}

test('isPostgresqlResource knows both spellings and nothing else', () => {
  assert.equal(isPostgresqlResource(PG_OCF), true);
  assert.equal(isPostgresqlResource(PG_V1), true);
  assert.equal(isPostgresqlResource(ocf('heartbeat', 'pgsql', {})), false);
  assert.equal(isPostgresqlResource(v1('postgresql')), false);
});

test('postgresqlParams: the v1 slots (pgdata, primary_host, peers), named values, mode forced to promotable, sync_mode to off (the manager owns it)', () => {
  assert.deepEqual(postgresqlParams(PG_V1), {
    pgdata: '/var/lib/postgresql/15/main', primary_host: '192.0.2.10', peers: 'node2=192.0.2.12', sync_mode: 'off', mode: 'promotable',
  });
  assert.equal(postgresqlParams(ocf('pgbeat', 'postgresql', { mode: 'primitive' }))['mode'], 'promotable');
  assert.equal(postgresqlParams(ocf('pgbeat', 'postgresql', { sync_mode: 'fallback' }))['sync_mode'], 'off');
});

test('a v1 script runs as `script args... action` with heartbeat\'s environment', () => {
  const r = resolveInvocation(v1('IPaddr', '192.0.2.10/24/eth0'), 'start', 20_000, o, '/t/resource.d/IPaddr');
  assert.ok(r.ok);
  assert.equal(r.invocation.file, '/t/resource.d/IPaddr');
  assert.deepEqual(r.invocation.args, ['192.0.2.10/24/eth0', 'start']);
  assert.equal(r.invocation.reading, 'v1-exit');
  assert.equal(r.invocation.env['HA_CURHOST'], 'node1');
  assert.equal(r.invocation.env['HA_RSCTMP'], '/t/run');
  assert.equal(r.invocation.env['OCF_RESKEY_CRM_meta_timeout'], undefined);
});

const v1ActionCases: [string, string | undefined, string | undefined, number | undefined][] = [
  ['monitor', 'status', 'v1-status', undefined],
  ['status', 'status', 'v1-status', undefined],
  ['stop', 'stop', 'v1-exit', undefined],
  ['promote', undefined, undefined, 3],
  ['notify', undefined, undefined, 3],
];
for (const [action, arg, reading, code] of v1ActionCases) {
  test(`a v1 script's ${action}: ${arg ? `runs ${arg}` : `answers ${code} without running`}`, () => {
    const r = resolveInvocation(v1('drbddisk', 'r0'), action as 'monitor', 20_000, o, '/t/init.d/drbddisk');
    if (arg) {
      assert.ok(r.ok);
      assert.deepEqual(r.invocation.args, ['r0', arg]);
      assert.equal(r.invocation.reading, reading);
    } else {
      assert.ok(!r.ok);
      assert.equal(r.code, code);
    }
  });
}

// Missing software cannot be running: stop succeeds, monitor says stopped, start is "not installed".
for (const [action, code] of [['start', 5], ['stop', 0], ['monitor', 7], ['status', 7]] as const) {
  test(`a v1 script that was not found: ${action} answers ${code} without running, naming where it was looked for`, () => {
    const r = resolveInvocation(v1('nosuch'), action, 20_000, o, undefined);
    assert.ok(!r.ok);
    assert.equal(r.code, code);
    assert.match(r.reason, /nosuch.*\/t\/resource\.d or \/t\/init\.d/);
  });
}

test('an OCF agent: $OCF_ROOT/resource.d/<provider>/<type> with OCF_RESKEY_*, timeout, instance, HA_RSCTMP', () => {
  const r = resolveInvocation(ocf('pgbeat', 'IPaddr', { ip: '192.0.2.10', cidr_netmask: '24' }), 'monitor', 15_000, o, undefined);
  assert.ok(r.ok);
  const { file, args, env, reading } = r.invocation;
  assert.equal(file, '/t/ocf/resource.d/pgbeat/IPaddr');
  assert.deepEqual(args, ['monitor']);
  assert.equal(reading, 'ocf');
  assert.equal(env['OCF_ROOT'], '/t/ocf');
  assert.equal(env['OCF_RESOURCE_INSTANCE'], 'IPaddr_192.0.2.10');
  assert.equal(env['OCF_RESKEY_ip'], '192.0.2.10');
  assert.equal(env['OCF_RESKEY_cidr_netmask'], '24');
  assert.equal(env['OCF_RESKEY_CRM_meta_timeout'], '15000');
  assert.equal(env['HA_RSCTMP'], '/t/run');
  assert.equal(env['OCF_RESKEY_CRM_meta_promotable'], undefined, 'only postgresql is a promotable clone');
});

test('an OCF parameter name a shell cannot export is a configuration error (6)', () => {
  const r = resolveInvocation(ocf('pgbeat', 'IPaddr', { 'cidr-netmask': '24' }), 'start', 15_000, o, undefined);
  assert.ok(!r.ok);
  assert.equal(r.code, 6);
});

for (const [name, spec, script] of [['OCF', PG_OCF, undefined], ['v1', PG_V1, '/t/resource.d/pgbeat-postgresql']] as const) {
  test(`postgresql (${name} form) runs in OCF form with a promotable clone's meta attributes`, () => {
    const r = resolveInvocation(spec, 'promote', 60_000, o, script);
    assert.ok(r.ok);
    const { file, args, env } = r.invocation;
    assert.equal(file, script ?? '/t/ocf/resource.d/pgbeat/postgresql');
    assert.deepEqual(args, ['promote']);
    assert.equal(env['OCF_RESKEY_pgdata'], '/var/lib/postgresql/15/main');
    assert.equal(env['OCF_RESKEY_mode'], 'promotable');
    for (const [k, v] of Object.entries({ promotable: 'true', clone_max: '2', promoted_max: '1', master_max: '1', notify: 'true', on_node: 'node1', timeout: '60000' })) {
      assert.equal(env[`OCF_RESKEY_CRM_meta_${k}`], v, k);
    }
    assert.equal(env['OCF_RESKEY_CRM_meta_clone'], undefined, 'no instance number: the agent would think it runs under Pacemaker');
    assert.equal(env['OCF_RESKEY_crm_feature_set'], undefined);
  });
}

test('an invalid parameter name is answered with OCF_ERR_CONFIGURED and quoted on one line', () => {
  const spec: ResourceSpec = { ...ocf('heartbeat', 'Dummy', { 'bad\nname': 'x' }), text: 'ocf:heartbeat:Dummy' };
  const r = resolveInvocation(spec, 'start', 20_000, o, undefined);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.code, 6);
  assert.equal(r.reason, "Invalid parameter name 'bad\\nname' in ocf:heartbeat:Dummy: use letters, digits and _");
  assert.doesNotMatch(r.reason, /\n/);
});
