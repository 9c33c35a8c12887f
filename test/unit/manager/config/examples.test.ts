// The manager's example files (shipped in /usr/share/doc/pgbeat/examples) parse with the real parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleClusterConfig } from '../../../../lib/manager/config/assemble-config.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';
import { coreConfigFrom } from '../../../../lib/manager/core/core-config.ts';
import { timingProblems } from '../../../../lib/manager/core/timing.ts';
import { isPostgresqlResource, postgresqlParams } from '../../../../lib/manager/resources/postgresql-resource.ts';

const example = (name: string): string => readFileSync(new URL(`../../../../scripts/debian/examples/${name}`, import.meta.url), 'utf8');
const texts = () => ({
  haCf: { file: 'examples/ha.cf', text: example('ha.cf') },
  haresources: { file: 'examples/haresources', text: example('haresources') },
  authkeys: { file: 'examples/authkeys', text: example('authkeys') },
});

test('the example ha.cf, haresources and authkeys make a cluster configuration without errors', () => {
  const r = assembleClusterConfig(texts(), 'node1');
  assert.deepEqual(r.problems.filter((p) => p.severity === 'error').map(formatProblem), []);
  const c = r.config!;
  assert.deepEqual(c.nodes, ['node1', 'node2']);
  assert.equal(c.keepaliveMs, 100);
  assert.equal(c.deadtimeMs, 500);
  assert.deepEqual(c.witness, { host: '192.0.2.5', port: 694 });
  assert.equal(c.auth.method, 'sha256');
  assert.deepEqual(c.media.map((m) => m.kind), ['ucast', 'ucast', 'ucast', 'ucast', 'serial']);
  assert.equal(c.autoFailback, 'off');
  assert.equal(c.groups.length, 1);
  const [pg, vip] = c.groups[0]!.resources;
  assert.ok(pg && isPostgresqlResource(pg));
  assert.equal(postgresqlParams(pg).pgdata, '/var/lib/postgresql/15/ha');
  assert.equal(postgresqlParams(pg).peers, 'node1=198.51.100.1,node2=198.51.100.2');
  assert.deepEqual(vip, { kind: 'ocf', provider: 'pgbeat', type: 'IPaddr', params: { ip: '192.0.2.10', cidr_netmask: '24', nic: 'eth0' }, text: 'ocf:pgbeat:IPaddr::ip=192.0.2.10::cidr_netmask=24::nic=eth0' });
});

test('the example timings keep every inequality the protocol needs (lease 396 ms at keepalive 100 ms, deadtime 500 ms)', () => {
  const c = assembleClusterConfig(texts(), 'node1').config!;
  const core = coreConfigFrom(c, 'node1', ['a']);
  assert.deepEqual(timingProblems(core), []);
  assert.equal(core.leaseMs, 396);
  assert.equal(core.tickMs, 25);
});
