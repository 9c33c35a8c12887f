import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleClusterConfig, type ConfigTexts } from '../../../../lib/manager/config/assemble-config.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';
import { haCfText } from '../../../helpers/heartbeat-cluster.ts';

const texts = (haCf: string | undefined, haresources: string | undefined, authkeys: string | undefined): ConfigTexts => ({
  haCf: { file: '/etc/ha.d/ha.cf', text: haCf },
  haresources: { file: '/etc/ha.d/haresources', text: haresources },
  authkeys: { file: '/etc/ha.d/authkeys', text: authkeys },
});
const HACF = 'node node1 node2\nkeepalive 100ms\ndeadtime 500ms\nbcast eth1\nserial /dev/ttyS0\nauto_failback off\n';
const EXAMPLE = readFileSync(new URL('../../../../haresources.example', import.meta.url), 'utf8');
const KEYS = 'auth 1\n1 sha256 secret\n';

test('assembleClusterConfig makes a ClusterConfig from the three files and haresources.example', () => {
  const r = assembleClusterConfig(texts(HACF, EXAMPLE, KEYS), 'Node2');
  assert.deepEqual(r.problems, []);
  const c = r.config!;
  assert.equal(c.localNode, 'node2');
  assert.deepEqual(c.nodes, ['node1', 'node2']);
  assert.equal(c.groups[0]!.key, 'pgbeat-IPaddr::192.0.2.10/24/eth0');
  assert.equal(c.auth.method, 'sha256');
  assert.equal(c.initdeadMs, 12_000);
  assert.equal('fenceLines' in c, false);
});

test('assembleClusterConfig refuses a node that is not in ha.cf, and checks haresources nodes against ha.cf', () => {
  const r = assembleClusterConfig(texts(HACF, 'node3 apache\n', KEYS), 'other');
  assert.equal(r.config, undefined);
  assert.deepEqual(r.problems.map(formatProblem), [
    '/etc/ha.d/haresources:1: first field "node3" is not a node of ha.cf (node1, node2); a group line starts with its preferred node',
    '/etc/ha.d/ha.cf: this node (other, from uname -n) is not a node of ha.cf (node1, node2)',
  ]);
});

test('assembleClusterConfig reports missing files and gives no config; notices alone keep it', () => {
  const r = assembleClusterConfig(texts(undefined, EXAMPLE, undefined));
  assert.equal(r.config, undefined);
  assert.deepEqual(r.problems.map(formatProblem), ['/etc/ha.d/ha.cf: cannot be read (missing?)', '/etc/ha.d/authkeys: cannot be read (missing?)']);
  const ok = assembleClusterConfig(texts(`${HACF}use_logd on\n`, EXAMPLE, KEYS));
  assert.ok(ok.config);
  assert.equal(ok.config.localNode, undefined);
  assert.deepEqual(ok.problems.map((p) => p.severity), ['notice']);
});

test('the configuration the heartbeat 3.0.6 cluster test runs is accepted as a drop-in (notices only)', () => {
  const haCf = haCfText('/var/log/ha.log', '/var/log/ha-debug.log', [
    'keepalive 500ms', 'deadtime 3', 'warntime 2', 'initdead 6',
    'ucast eth0 198.51.100.1', 'ucast eth0 198.51.100.2', 'auto_failback off', 'node hba hbb',
  ]);
  const haresources = '# as pg-heartbeat-cluster.test.ts\nhba pgbeat-IPaddr::198.51.100.10/24/eth0 pgbeat-postgresql::pgdata=/x::sync_mode=off\n';
  const r = assembleClusterConfig(texts(haCf, haresources, 'auth 1\n1 sha1 pgbeat-heartbeat-cluster-test\n'), 'hbb');
  assert.ok(r.config, r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(r.problems.map((p) => p.severity === 'notice' && p.message.split(' ')[0]), ['use_logd', 'realtime', 'coredumps', 'initdead']);
  assert.deepEqual(r.config.media.map((m) => m.kind === 'ucast' && `${m.peer}:${m.port}`), ['198.51.100.1:694', '198.51.100.2:694']);
  assert.equal(r.config.auth.method, 'sha1');
  assert.deepEqual(r.config.groups[0]!.resources.map((x) => x.kind === 'v1' && x.args), [['198.51.100.10/24/eth0'], ['pgdata=/x', 'sync_mode=off']]);
});
