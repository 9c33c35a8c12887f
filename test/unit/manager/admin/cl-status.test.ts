import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clStatus, getopt, resourceStatus, type ClusterView } from '../../../../lib/manager/admin/cl-status.ts';
import { hbRequest } from '../../../../lib/manager/admin/hb-request.ts';
import type { StatusReport } from '../../../../lib/manager/core/status.ts';

const status = (over: Partial<StatusReport> = {}): StatusReport => ({
  node: 'alpha',
  peer: { name: 'beta', alive: true, lastHeardMsAgo: 40, holding: false, pg: null },
  links: [{ name: 'ucast eth1 198.51.100.12:694', up: true, lastHeardMsAgo: 40 }, { name: 'serial /dev/ttyS0', up: false, lastHeardMsAgo: null }],
  witness: { configured: false, lastReplyMsAgo: null, pending: null },
  fence: false,
  agreed: { epoch: 3, primary: 'alpha', sync: 'beta', text: '' },
  holding: true, pg: null, leaseMsLeft: null, op: null, waiting: null, arbitration: '',
  ...over,
});
const view = (s: ClusterView['status'] = status(), over: Partial<ClusterView> = {}): ClusterView => ({
  nodes: ['alpha', 'beta'], ping: ['192.0.2.1'], parameters: { keepalive: '100ms', deadtime: '500ms' },
  groups: [{ key: '192.0.2.10', preferredNode: 'alpha' }], version: '0.1.0', status: s, ...over,
});

test('getopt() permutes like GNU getopt: options anywhere, arguments of x:, -- ends options', () => {
  assert.deepEqual(getopt(['-m', 'beta'], 'm'), { flags: new Map([['m', '']]), operands: ['beta'] });
  assert.deepEqual(getopt(['beta', '-m'], 'm'), { flags: new Map([['m', '']]), operands: ['beta'] });
  assert.deepEqual(getopt(['-mp', 'deadtime'], 'mp:'), { flags: new Map([['m', ''], ['p', 'deadtime']]), operands: [] });
  assert.deepEqual(getopt(['-pdeadtime'], 'mp:'), { flags: new Map([['p', 'deadtime']]), operands: [] });
  assert.deepEqual(getopt(['--', '-x'], 'm'), { flags: new Map(), operands: ['-x'] });
  assert.equal(getopt(['-x'], 'm'), "invalid option -- 'x'");
  assert.equal(getopt(['-p'], 'mp:'), "option requires an argument -- 'p'");
});

test('cl_status answers with heartbeat\'s output and exit codes', () => {
  const dead = status({ peer: { ...status().peer, alive: false } });
  const cases: [string, string[], ClusterView, string, number][] = [
    ['hbstatus running', ['hbstatus'], view(), 'Heartbeat is running on this machine.\n', 0],
    ['hbstatus stopped', ['hbstatus'], view(null), 'Heartbeat is stopped on this machine.\n', 1],
    ['hbstatus no answer', ['hbstatus'], view('timeout'), 'Heartbeat is apparently running on this machine, but refuses my connection\n', 0],
    ['listnodes', ['listnodes'], view(), 'alpha\nbeta\n192.0.2.1\n', 0],
    ['listnodes -n', ['listnodes', '-n'], view(), 'alpha\nbeta\n', 0],
    ['listnodes -p', ['listnodes', '-p'], view(), '192.0.2.1\n', 0],
    ['listnodes -m', ['listnodes', '-m', '-n'], view(), 'The nodes are as follow:\nalpha\nbeta\n', 0],
    ['nodestatus self', ['nodestatus', 'alpha'], view(), 'active\n', 0],
    ['nodestatus peer alive', ['nodestatus', 'beta'], view(), 'active\n', 0],
    ['nodestatus peer dead', ['nodestatus', 'beta'], view(dead), 'dead\n', 1],
    ['nodestatus -m', ['nodestatus', '-m', 'beta'], view(dead), 'The cluster node beta is dead\n', 1],
    ['nodestatus unknown node', ['nodestatus', 'gamma'], view(), '', 11],
    ['nodestatus no node', ['nodestatus'], view(), '', 11],
    ['nodetype', ['nodetype', '192.0.2.1'], view(), 'ping\n', 0],
    ['listhblinks', ['listhblinks', 'beta'], view(), '\teth1\n\t/dev/ttyS0\n', 0],
    ['listhblinks -v', ['listhblinks', '-v', 'beta'], view(), '\teth1\tup\n\t/dev/ttyS0\tdead\n', 0],
    ['listhblinks -m', ['listhblinks', '-m', 'beta'], view(), '\tthis node has the following heartbeat links:\n\teth1\n\t/dev/ttyS0\n', 0],
    ['hblinkstatus up', ['hblinkstatus', 'beta', 'eth1'], view(), 'up\n', 0],
    ['hblinkstatus dead', ['hblinkstatus', 'beta', '/dev/ttyS0'], view(), 'dead\n', 1],
    ['hblinkstatus by medium name', ['hblinkstatus', 'beta', 'serial /dev/ttyS0'], view(), 'dead\n', 1],
    ['hblinkstatus own link', ['hblinkstatus', 'alpha', '/dev/ttyS0'], view(), 'up\n', 0],
    ['hblinkstatus -m', ['hblinkstatus', '-m', 'beta', 'eth1'], view(), "The node beta's heartbeat link eth1 is up\n", 0],
    ['hblinkstatus unknown link', ['hblinkstatus', 'beta', 'eth9'], view(), '', 13],
    ['hblinkstatus too few', ['hblinkstatus', 'beta'], view(), '', 11],
    ['rscstatus holding own groups', ['rscstatus'], view(), 'local\n', 0],
    ['rscstatus -m', ['rscstatus', '-m'], view(), 'This node is holding local resources.\n', 0],
    ['rscstatus not holding', ['rscstatus'], view(status({ holding: false })), 'none\n', 0],
    ['rscstatus in transition', ['rscstatus'], view(status({ op: 'take for 30 ms' })), 'transition\n', 0],
    ['hbparameter', ['hbparameter', '-p', 'deadtime'], view(), '500ms\n', 0],
    ['hbparameter -m', ['hbparameter', '-m', '-p', 'keepalive'], view(), "Heartbeat parameter keepalive's value: 100ms\n", 0],
    ['hbparameter unset', ['hbparameter', '-p', 'watchdog'], view(), '', 1],
    ['hbparameter no name', ['hbparameter'], view(), '', 11],
    ['clientstatus', ['clientstatus', 'beta', 'ipfail'], view(), 'offline\n', 1],
    ['no daemon', ['listnodes'], view(null), '', 1],
    ['no answer in time', ['nodestatus', 'beta'], view('timeout'), '', 12],
    ['invalid sub-command', ['frobnicate'], view(), '', 11],
    ['invalid option', ['nodestatus', '-x', 'beta'], view(), '', 11],
  ];
  for (const [name, args, v, stdout, code] of cases) {
    const a = clStatus(args, v);
    assert.equal(a.stdout, stdout, name);
    assert.equal(a.code, code, name);
    if (code !== 0 && stdout === '') assert.notEqual(a.stderr, '', `${name}: says why on stderr`);
  }
  assert.match(clStatus([], view()).stdout, /^Usage: cl_status/);
});

test('resourceStatus() maps the held groups onto local, foreign and all', () => {
  const g = (...prefs: string[]) => ({ groups: prefs.map((p, i) => ({ key: `g${i}`, preferredNode: p })) });
  assert.equal(resourceStatus(g('alpha'), status()), 'local');
  assert.equal(resourceStatus(g('beta'), status()), 'foreign');
  assert.equal(resourceStatus(g('alpha', 'beta'), status()), 'all');
  assert.equal(resourceStatus(g('alpha', 'beta'), status({ holding: false })), 'none');
});

test('hbRequest() checks arguments as heartbeat\'s scripts and maps them onto standby and takeover', () => {
  const one = [{ key: 'ip', preferredNode: 'alpha' }];
  const two = [{ key: 'ip', preferredNode: 'alpha' }, { key: 'web', preferredNode: 'beta' }];
  const cases: [string, Parameters<typeof hbRequest>, string][] = [
    ['default all', ['hb_standby', [], 'alpha', one], 'move standby'],
    ['all', ['hb_takeover', ['all'], 'beta', one], 'move takeover'],
    ['local on the preferred node', ['hb_standby', ['local'], 'alpha', one], 'move standby'],
    ['local elsewhere: nothing', ['hb_standby', ['local'], 'beta', one], 'nothing'],
    ['foreign elsewhere', ['hb_standby', ['foreign'], 'beta', one], 'move standby'],
    ['failback is foreign', ['hb_standby', ['failback'], 'beta', one], 'move standby'],
    ['failback on the preferred node: nothing', ['hb_standby', ['failback'], 'alpha', one], 'nothing'],
    ['takeover foreign', ['hb_takeover', ['foreign'], 'beta', one], 'move takeover'],
    ['part of the groups: a note', ['hb_standby', ['local'], 'alpha', two], 'move standby note'],
    ['wrong word', ['hb_standby', ['some'], 'alpha', one], 'usage'],
    ['two arguments', ['hb_takeover', ['all', 'local'], 'alpha', one], 'usage'],
    ['--help', ['hb_standby', ['--help'], 'alpha', one], 'usage'],
  ];
  for (const [name, args, want] of cases) {
    const r = hbRequest(...args);
    const got = r.kind === 'move' ? `move ${r.command}${r.note ? ' note' : ''}` : r.kind;
    assert.equal(got, want, name);
    if (r.kind === 'usage') { assert.equal(r.code, 1); assert.match(r.stderr, /usage:\n(hb_standby|hb_takeover) \[all\|foreign\|local\|failback\]/); }
  }
  const wrong = hbRequest('hb_standby', ['some'], 'alpha', one);
  assert.ok(wrong.kind === 'usage' && wrong.stderr.startsWith('hb_standby: wrong resources(some).\n'));
});
