import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaCf } from '../../../../lib/manager/config/ha-cf.ts';
import { formatProblem } from '../../../../lib/manager/config/problem.ts';

const BASE = 'node alpha beta\nbcast eth1\nauto_failback off\n';
const parse = (text: string) => parseHaCf(text, 'ha.cf');
const msgs = (text: string): string[] => parse(text).problems.map(formatProblem);

test('parseHaCf applies heartbeat defaults: keepalive 1 s, deadtime 30 s, warntime deadtime/2, initdead = deadtime above 10 s, port 694', () => {
  const r = parse(BASE);
  assert.deepEqual(r.problems, []);
  const s = r.settings;
  assert.deepEqual([s.keepaliveMs, s.deadtimeMs, s.warntimeMs, s.initdeadMs, s.udpport], [1000, 30_000, 15_000, 30_000, 694]);
  assert.deepEqual(s.nodes, ['alpha', 'beta']);
  assert.deepEqual(s.media, [{ kind: 'bcast', dev: 'eth1', port: 694, at: 'ha.cf:2' }]);
  assert.equal(s.cluster, 'pgbeat');
  assert.equal(s.haEnv['HA_keepalive'], '1000ms');
  assert.equal(s.haEnv['HA_auto_failback'], 'off');
});

const initdeadDefaults: [string, number][] = [['500ms', 12_000], ['5', 12_000], ['8', 16_000], ['10', 20_000], ['11', 11_000]];
for (const [deadtime, want] of initdeadDefaults) {
  test(`parseHaCf's default initdead for deadtime ${deadtime} is ${want} ms`, () => {
    assert.equal(parse(`${BASE}keepalive 100ms\ndeadtime ${deadtime}\n`).settings.initdeadMs, want);
  });
}

test('parseHaCf reads a full pgbeat ha.cf in order: udpport before ucast, baud before serial, our directives', () => {
  const r = parse([
    'keepalive 100ms  # fast', 'deadtime 500ms', 'warntime 300ms', 'initdead 20', 'udpport 6940',
    'bcast eth1, eth2', 'ucast eth1 198.51.100.2', 'mcast eth1 239.1.2.3 6941 1 0', 'baud 115200', 'serial /dev/ttyS0',
    'node Alpha, BETA', 'auto_failback on', 'ping 198.51.100.254', 'logfacility local0', 'logfile /var/log/pgbeat.log',
    'debugfile /var/log/pgbeat.debug', 'cluster lab1', 'witness 198.51.100.3:7000', 'fence beta /usr/local/sbin/fence-node beta --hard',
    'fence alpha /usr/local/sbin/fence-node alpha', 'monitor_interval 5', 'action_timeout start 90', 'action_timeout monitor 2500ms', 'action_timeout fence 15',
    'max_restarts 2', 'crm off',
  ].join('\n'));
  assert.deepEqual(r.problems.map(formatProblem), ['ha.cf:13: notice: ping nodes are kept for status only: both sides of a partition can see them, so they do not arbitrate (see witness)']);
  const s = r.settings;
  assert.deepEqual([s.keepaliveMs, s.deadtimeMs, s.warntimeMs, s.initdeadMs, s.udpport], [100, 500, 300, 20_000, 6940]);
  assert.deepEqual(s.nodes, ['alpha', 'beta']);
  assert.deepEqual(s.media, [
    { kind: 'bcast', dev: 'eth1', port: 6940, at: 'ha.cf:6' }, { kind: 'bcast', dev: 'eth2', port: 6940, at: 'ha.cf:6' },
    { kind: 'ucast', dev: 'eth1', peer: '198.51.100.2', port: 6940, at: 'ha.cf:7' },
    { kind: 'mcast', dev: 'eth1', group: '239.1.2.3', port: 6941, ttl: 1, loop: false, at: 'ha.cf:8' },
    { kind: 'serial', device: '/dev/ttyS0', baud: 115_200, at: 'ha.cf:10' },
  ]);
  assert.equal(s.autoFailback, 'on');
  assert.equal(s.maxRestarts, 2);
  assert.deepEqual(s.ping, ['198.51.100.254']);
  assert.deepEqual([s.logfacility, s.logfile, s.debugfile, s.cluster], ['local0', '/var/log/pgbeat.log', '/var/log/pgbeat.debug', 'lab1']);
  assert.deepEqual(s.witness, { host: '198.51.100.3', port: 7000 });
  assert.deepEqual(s.fence, { beta: '/usr/local/sbin/fence-node beta --hard', alpha: '/usr/local/sbin/fence-node alpha' });
  assert.equal(s.monitorIntervalMs, 5000);
  assert.equal(s.actionTimeoutsMs['start'], 90_000);
  assert.equal(s.actionTimeoutsMs['monitor'], 2500);
  assert.equal(s.actionTimeoutsMs['stop'], 60_000);
  assert.equal(s.actionTimeoutsMs['fence'], 15_000);
});

test('parseHaCf: a witness without a port uses udpport; the last scalar wins', () => {
  const s = parse(`${BASE}udpport 700\nwitness w1.example\nkeepalive 2\nkeepalive 1\n`).settings;
  assert.deepEqual(s.witness, { host: 'w1.example', port: 700 });
  assert.equal(s.keepaliveMs, 1000);
});

const bad: [string, string, string[]][] = [
  ['a time with the s unit', `${BASE}keepalive 2s\n`, ['ha.cf:4: keepalive "2s" is not a time: give seconds (2, 1.5) or milliseconds (500ms); heartbeat rejects "s" and other units']],
  ['a unit split from its number', `${BASE}keepalive 1500 ms\n`, ['ha.cf:4: keepalive takes one time value (a number of seconds, or with ms/us stuck to it: 500ms), got 2']],
  ['deadtime not above twice keepalive', `${BASE}keepalive 2\ndeadtime 4\n`, ['ha.cf:5: deadtime (4000 ms) must be more than twice keepalive (2000 ms)']],
  ['initdead below deadtime', `${BASE}deadtime 20\ninitdead 10\n`, ['ha.cf:5: initdead (10000 ms) must be at least deadtime (20000 ms)']],
  ['initdead under twice deadtime (notice)', `${BASE}deadtime 20\ninitdead 30\n`, ['ha.cf:5: notice: initdead (30000 ms) is under twice deadtime (20000 ms), as heartbeat recommends: a slow boot may see its peer as dead']],
  ['warntime not below deadtime (notice)', `${BASE}deadtime 10\nwarntime 12\n`, ['ha.cf:5: notice: warntime (12000 ms) is not below deadtime (10000 ms): late heartbeats are reported only after the peer is declared dead']],
  ['a zero keepalive', `${BASE}keepalive 0\n`, ['ha.cf:4: keepalive must be greater than 0']],
  ['crm on', `${BASE}crm on\n`, ['ha.cf:4: "crm on" hands resources to Pacemaker (not heartbeat v1): pgbeat manages haresources itself; remove the line, or run Pacemaker with the pgbeat agents instead']],
  ['crm respawn', `${BASE}crm respawn\n`, ['ha.cf:4: "crm respawn" hands resources to Pacemaker (not heartbeat v1): pgbeat manages haresources itself; remove the line, or run Pacemaker with the pgbeat agents instead']],
  ['pacemaker on', `${BASE}pacemaker on\n`, ['ha.cf:4: "pacemaker on" hands resources to Pacemaker (not heartbeat v1): pgbeat manages haresources itself; remove the line, or run Pacemaker with the pgbeat agents instead']],
  ['an unknown directive', `${BASE}frobnicate 1\n`, ['ha.cf:4: unknown directive "frobnicate" (heartbeat: Illegal directive)']],
  ['an uppercase directive', `${BASE}Keepalive 1\n`, ['ha.cf:4: directive "Keepalive" must be written in lowercase (heartbeat: Illegal directive)']],
  ['a harmless directive (notice)', `${BASE}use_logd yes\ncompression bz2\n`, ['ha.cf:4: notice: use_logd is ignored: pgbeat logs itself (logfile, debugfile, logfacility)', 'ha.cf:5: notice: compression is ignored: pgbeat packets are small and never compressed']],
  ['stonith_host', `${BASE}stonith_host * baytech 10.0.0.3 mylogin mysecretpassword\n`, ['ha.cf:4: stonith_host is not supported: use pgbeat\'s `fence <node> <command...>` instead']],
  ['respawn of ipfail (notice) and of something else', `${BASE}respawn hacluster /usr/lib/heartbeat/ipfail\nrespawn root /usr/bin/foo\n`, ['ha.cf:4: notice: respawn of ipfail is ignored: pgbeat tracks links itself, and ping nodes do not arbitrate', 'ha.cf:5: respawn is not supported: pgbeat does not start API clients; run the program as its own service']],
  ['mcast with four fields', `${BASE}mcast eth1 239.0.0.1 694 1\n`, ['ha.cf:4: mcast takes 5 fields: mcast <dev> <group> <port> <ttl> <loop>, got 4']],
  ['mcast to a unicast group, ttl 5 and loop 2', `${BASE}mcast eth1 198.51.100.1 694 5 2\n`, ['ha.cf:4: mcast group "198.51.100.1" is not an IPv4 multicast address (224.0.0.0-239.255.255.255)', 'ha.cf:4: mcast ttl "5" must be 0-4 (heartbeat rejects more)', 'ha.cf:4: mcast loop "2" must be 0 or 1']],
  ['ucast with two peers on one line', `${BASE}ucast eth1 198.51.100.1 198.51.100.2\n`, ['ha.cf:4: ucast takes 2 fields: ucast <dev> <peer address>, got 3 (repeat the line for more peers)']],
  ['ucast to a bad address', `${BASE}ucast eth1 198.51.100.300\n`, ['ha.cf:4: ucast peer "198.51.100.300" is not an IPv4 address or host name']],
  ['udpport out of range', `${BASE}udpport 70000\n`, ['ha.cf:4: udpport must be one port number 1-65535, got "70000"']],
  ['udpport after bcast (notice)', `${BASE}udpport 700\n`, ['ha.cf:4: notice: udpport comes after the bcast/ucast line 2, which keep the port in effect there (694), as in heartbeat']],
  ['baud after serial', `${BASE}serial /dev/ttyS0\nbaud 9600\n`, ['ha.cf:5: baud must come before the serial line 4, which already uses 19200']],
  ['baud twice', `baud 9600\nbaud 9600\n${BASE}`, ['ha.cf:2: baud is given twice (first at line 1); heartbeat allows it once']],
  ['an odd baud', `baud 12345\n${BASE}`, ['ha.cf:1: baud "12345" is not one of 9600, 19200, 38400, 57600, 115200, 230400, 460800']],
  ['a relative serial device', `${BASE}serial ttyS0\n`, ['ha.cf:4: serial device "ttyS0" must be an absolute path such as /dev/ttyS0']],
  ['auto_failback maybe', 'node a b\nbcast eth0\nauto_failback maybe\n', ['ha.cf:3: auto_failback "maybe" must be on, off or legacy', 'ha.cf: notice: auto_failback is not set: legacy applies, as in heartbeat (set on or off)']],
  ['three nodes', 'node a b c\nbcast eth0\nauto_failback on\n', ['ha.cf: pgbeat manages exactly two nodes; ha.cf lists 3 (a, b, c)']],
  ['no node and no medium', 'auto_failback on\n', ['ha.cf: no node listed: name both nodes (node <name> <name>), as uname -n prints them', 'ha.cf: no heartbeat media defined: add bcast, mcast, ucast or serial']],
  ['a fence for an unknown node', `${BASE}fence gamma /bin/true\n`, ['ha.cf:4: fence names gamma, which is not a node of ha.cf']],
  ['a fence without a command', `${BASE}fence beta\n`, ['ha.cf:4: fence takes a node and a command: fence <node> <command...>']],
  ['a fence given twice', `${BASE}fence beta a\nfence beta b\n`, ['ha.cf:5: fence for beta is given twice (first at line 4)']],
  ['a witness with a bad port', `${BASE}witness 198.51.100.3:99999\n`, ['ha.cf:4: witness takes one host[:port] (IPv4 address or host name), got "198.51.100.3:99999"']],
  ['an unknown action timeout', `${BASE}action_timeout reload 10\n`, ['ha.cf:4: action_timeout: unknown action "reload" (start, stop, monitor, promote, demote, notify, fence)']],
  ['a bad max_restarts', `${BASE}max_restarts -1\n`, ['ha.cf:4: max_restarts takes a whole number from 0 to 999, got "-1"']],
  ['a bad monitor_interval', `${BASE}monitor_interval 5s\n`, ['ha.cf:4: monitor_interval "5s" is not a time: give seconds (2, 1.5) or milliseconds (500ms); heartbeat rejects "s" and other units']],
  ['autojoin any', `${BASE}autojoin any\n`, ['ha.cf:4: autojoin any conflicts with v1 resource management (heartbeat refuses it too): the nodes are the ones listed']],
  ['a node name that is too long or has odd characters', `node ${'a'.repeat(65)} b/c\nbcast eth0\nauto_failback on\n`, [`ha.cf:1: node name "${'a'.repeat(65)}" is not a node name (letters, digits, _ . -, at most 64)`, 'ha.cf:1: node name "b/c" is not a node name (letters, digits, _ . -, at most 64)', 'ha.cf: no node listed: name both nodes (node <name> <name>), as uname -n prints them']],
  ['a bad logfacility', `${BASE}logfacility local9\n`, ['ha.cf:4: logfacility "local9" is not a syslog facility (daemon, local0-local7, ...) or none']],
  ['a relative logfile', `${BASE}logfile pgbeat.log\n`, ['ha.cf:4: logfile must be one absolute path, got "pgbeat.log"']],
];
for (const [why, text, want] of bad) {
  test(`parseHaCf reports ${why} with its line`, () => {
    assert.deepEqual(msgs(text), want);
  });
}

test('parseHaCf strips comments anywhere and CRs, and splits option lists on commas', () => {
  const r = parse('node alpha,beta # the two\r\nbcast eth0 # hb link\r\nauto_failback legacy\r\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.settings.nodes, ['alpha', 'beta']);
  assert.equal(r.settings.autoFailback, 'legacy');
});
