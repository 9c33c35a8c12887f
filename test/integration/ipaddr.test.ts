// IPaddr on real interfaces in network namespaces: the action lifecycle, address discovery, the v1
// form, link checks, stops that must not fail, bad parameters and meta-data. Needs root and a build.
// Announcements to other hosts and duplicate detection are in ipaddr-failover.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addressesOf, createLab, ip, type Lab } from '../helpers/netns.ts';
import { assertCleanFailure, assertOk, IPADDR, pollFor, requireBuiltAgent, show, vipRunner } from '../helpers/vip.ts';

const NIC = 'eth0';
const MAIN = 0; // most tests
const LINKS = 1; // carrier loss and a vanished interface: runs last, leaves the host broken
const ADDRESSES = [
  ['192.0.2.1/24', '2001:db8::1/64'],
  ['192.0.2.2/24', '2001:db8::2/64'],
];
const NODE = process.execPath;

let lab: Lab | undefined;
let agent: ReturnType<typeof vipRunner>;

const teardown = (): void => {
  agent?.cleanup();
  lab?.cleanup();
  lab = undefined;
};
// The after() hook runs even when tests fail; this also covers an interrupted run.
process.on('exit', teardown);

before(() => {
  requireBuiltAgent();
  lab = createLab(2, ADDRESSES, NIC);
  agent = vipRunner(lab);
});
after(teardown);

const host = (i: number): string => lab!.host(i);

/** Address entries (ip -j) of `address` on the host's nic. */
const entriesOf = (i: number, address: string): { local: string; prefixlen: number; label?: string; broadcast?: string }[] => {
  const rows = JSON.parse(ip('-n', host(i), '-j', 'addr', 'show', 'dev', NIC)) as
    { addr_info: { local: string; prefixlen: number; label?: string; broadcast?: string }[] }[];
  return rows[0]!.addr_info.filter((a) => a.local === address);
};

describe('IPaddr lifecycle on one host (IPv4)', () => {
  const params = { ip: '192.0.2.100', cidr_netmask: '24', nic: NIC, iflabel: 'svc' };

  it('monitor is 7 before start; start, start, stop, stop all succeed; only the VIP is added and removed', (t) => {
    const before = addressesOf(host(MAIN), NIC);
    assert.equal(agent.call(MAIN, 'monitor', params).code, 7, 'probe before start');
    assert.equal(agent.call(MAIN, 'monitor', params, { extraEnv: { OCF_RESKEY_CRM_meta_interval: '10000' } }).code, 7,
      'recurring monitor before start');

    const t0 = Date.now();
    assertOk(agent.call(MAIN, 'start', params), 'start');
    t.diagnostic(`IPv4 start (arping -D, gratuitous ARP in the background) took ${Date.now() - t0} ms`);
    assertOk(agent.call(MAIN, 'monitor', params), 'monitor after start');
    assert.deepEqual(entriesOf(MAIN, '192.0.2.100').map((e) => `${e.local}/${e.prefixlen}`), ['192.0.2.100/24']);

    assertOk(agent.call(MAIN, 'start', params), 'second start');
    assert.equal(entriesOf(MAIN, '192.0.2.100').length, 1, 'the address is there once after a second start');

    assertOk(agent.call(MAIN, 'stop', params), 'stop');
    assert.equal(agent.call(MAIN, 'monitor', params).code, 7, 'monitor after stop');
    assert.deepEqual(entriesOf(MAIN, '192.0.2.100'), [], 'VIP removed');
    assert.deepEqual(addressesOf(host(MAIN), NIC), before, "the host's own addresses survive the stop");
    assertOk(agent.call(MAIN, 'stop', params), 'second stop');
  });

  it('iflabel shows as the label eth0:<label>', () => {
    assertOk(agent.call(MAIN, 'start', params), 'start');
    try {
      assert.equal(entriesOf(MAIN, '192.0.2.100')[0]?.label, `${NIC}:svc`);
      assert.match(ip('-n', host(MAIN), '-4', 'addr', 'show', 'label', `${NIC}:svc`), /192\.0\.2\.100\/24/);
    } finally {
      assertOk(agent.call(MAIN, 'stop', params), 'stop');
    }
  });

  it('a bare address takes its interface and prefix from the route that covers it', () => {
    const bare = { ip: '192.0.2.110' };
    assertOk(agent.call(MAIN, 'validate-all', bare), 'validate-all');
    assertOk(agent.call(MAIN, 'start', bare), 'start');
    try {
      assert.deepEqual(entriesOf(MAIN, '192.0.2.110').map((e) => e.prefixlen), [24]);
      assertOk(agent.call(MAIN, 'monitor', bare), 'monitor');
    } finally {
      assertOk(agent.call(MAIN, 'stop', bare), 'stop');
    }
    assert.deepEqual(entriesOf(MAIN, '192.0.2.110'), []);
  });

  it('the v1 form `IPaddr 192.0.2.110/24/eth0/192.0.2.255 start|status|stop` works and status prints running/stopped', () => {
    const v1 = (action: string) => agent.call(MAIN, action, {}, { args: ['192.0.2.110/24/eth0/192.0.2.255'], extraEnv: { OCF_RESOURCE_INSTANCE: '' } });
    const stopped = v1('status');
    assert.equal(stopped.stdout.trim(), 'stopped', show(stopped));
    assertOk(v1('start'), 'v1 start');
    assert.deepEqual(entriesOf(MAIN, '192.0.2.110').map((e) => [e.prefixlen, e.broadcast]), [[24, '192.0.2.255']]);
    const running = v1('status');
    assert.equal(running.code, 0, show(running));
    assert.equal(running.stdout.trim(), 'running', show(running));
    assertOk(v1('stop'), 'v1 stop');
    assert.deepEqual(entriesOf(MAIN, '192.0.2.110'), []);
    assert.equal(v1('status').stdout.trim(), 'stopped');
  });
});

describe('IPaddr rejects bad parameters with one clear reason', () => {
  const ok = { ip: '192.0.2.130', cidr_netmask: '24', nic: NIC };
  const cases: { name: string; params: Record<string, string>; action?: string[]; code: number; mentions: string[] }[] = [
    { name: 'malformed ip', params: { ...ok, ip: '192.0.2.300' }, code: 6, mentions: ['ip', '192.0.2.300'] },
    { name: 'words for an ip', params: { ...ok, ip: 'vip.example' }, code: 6, mentions: ['ip', 'vip.example'] },
    { name: 'missing ip', params: { nic: NIC }, code: 6, mentions: ['ip', 'OCF_RESKEY_ip'] },
    { name: 'cidr_netmask 33', params: { ...ok, cidr_netmask: '33' }, code: 6, mentions: ['cidr_netmask', '33'] },
    { name: "cidr_netmask 'abc'", params: { ...ok, cidr_netmask: 'abc' }, code: 6, mentions: ['cidr_netmask', 'abc'] },
    { name: "broadcast 'x'", params: { ...ok, broadcast: 'x' }, code: 6, mentions: ['broadcast', "'x'"] },
    { name: 'iflabel too long', params: { ...ok, iflabel: 'waytoolonglabel' }, code: 6, mentions: ['iflabel', 'waytoolonglabel'] },
    { name: 'unknown nic', params: { ...ok, nic: 'nosuch0' }, code: 2, mentions: ['nic', 'nosuch0'] },
    { name: 'arp_count 0', params: { ...ok, arp_count: '0' }, code: 6, mentions: ['arp_count', "'0'"] },
    { name: 'unsupported action', params: ok, action: ['frobnicate'], code: 3, mentions: ['frobnicate'] },
  ];
  for (const c of cases) {
    for (const action of c.action ?? ['validate-all', 'start']) {
      it(`${c.name}: ${action} exits ${c.code}`, () => {
        const r = agent.call(MAIN, action, c.params);
        assertCleanFailure(r, c.code, c.mentions, `${c.name} (${action})`);
        assert.deepEqual(entriesOf(MAIN, c.params['ip'] ?? ''), [], 'nothing was added');
      });
    }
  }
});

describe('stop never fails and probes report "not running" when nothing can run', () => {
  // The ip binary is /usr/bin/ip (/usr/sbin/ip and /sbin/ip are links to it); arping is /usr/bin/arping.
  const NO_TOOLS = { hide: ['/usr/bin/ip', '/usr/bin/arping'], node: NODE, extraEnv: { PATH: '/nonexistent' } };

  it('stop with an invalid or missing ip succeeds', () => {
    assertOk(agent.call(MAIN, 'stop', { ip: 'not-an-ip', nic: NIC }), 'stop ip=not-an-ip');
    assertOk(agent.call(MAIN, 'stop', { nic: NIC }), 'stop without ip');
    assertOk(agent.call(MAIN, 'stop', { ip: '192.0.2.131', cidr_netmask: '99', nic: NIC }), 'stop with a bad cidr_netmask');
  });

  it('a probe with a nonexistent nic returns 7', () => {
    const r = agent.call(MAIN, 'monitor', { ip: '192.0.2.132', cidr_netmask: '24', nic: 'nosuch0' });
    assert.equal(r.code, 7, show(r));
  });

  it('without ip and arping installed: a probe returns 7, stop 0, validate-all 5', () => {
    const params = { ip: '192.0.2.133', cidr_netmask: '24', nic: NIC };
    // PATH alone: the agent also looks in the sbin/bin directories a manager's PATH may lack.
    const pathOnly = agent.call(MAIN, 'monitor', params, { node: NODE, extraEnv: { PATH: '/nonexistent' } });
    assert.equal(pathOnly.code, 7, show(pathOnly));
    const probe = agent.call(MAIN, 'monitor', params, NO_TOOLS);
    assert.equal(probe.code, 7, show(probe));
    const recurring = agent.call(MAIN, 'monitor', params, { ...NO_TOOLS, extraEnv: { ...NO_TOOLS.extraEnv, OCF_RESKEY_CRM_meta_interval: '10000' } });
    assertCleanFailure(recurring, 1, ['ip'], 'recurring monitor without ip');
    assertOk(agent.call(MAIN, 'stop', params, NO_TOOLS), 'stop without tools');
    assertCleanFailure(agent.call(MAIN, 'validate-all', params, NO_TOOLS), 5, ['ip'], 'validate-all without tools');
  });

  it('validate-all with arping missing returns 5 and names arping', () => {
    const r = agent.call(MAIN, 'validate-all', { ip: '192.0.2.134', cidr_netmask: '24', nic: NIC }, { hide: ['/usr/bin/arping'] });
    assertCleanFailure(r, 5, ['arping'], 'validate-all without arping');
  });
});

describe('link checks and a vanished interface', () => {
  const params = { ip: '192.0.2.140', cidr_netmask: '24', nic: NIC };
  const port = `p${LINKS}`; // the switch side of the host's veth

  it('OCF_CHECK_LEVEL=10 monitor returns 1 without carrier; level 0 still returns 0', async () => {
    assertOk(agent.call(LINKS, 'start', params), 'start');
    ip('-n', lab!.switchNs, 'link', 'set', port, 'down');
    try {
      const lost = await pollFor(() => {
        const l = JSON.parse(ip('-n', host(LINKS), '-j', 'link', 'show', 'dev', NIC)) as { flags: string[] }[];
        return l[0]!.flags.includes('NO-CARRIER') ? true : undefined;
      });
      assert.ok(lost, 'the host side lost carrier');
      const deep = agent.call(LINKS, 'monitor', params, { extraEnv: { OCF_CHECK_LEVEL: '10', OCF_RESKEY_CRM_meta_interval: '30000' } });
      assertCleanFailure(deep, 1, ['192.0.2.140', NIC, 'carrier'], 'level 10 monitor without carrier');
      assertOk(agent.call(LINKS, 'monitor', params, { extraEnv: { OCF_CHECK_LEVEL: '0', OCF_RESKEY_CRM_meta_interval: '10000' } }), 'level 0');
    } finally {
      ip('-n', lab!.switchNs, 'link', 'set', port, 'up');
    }
    const back = await pollFor(() =>
      agent.call(LINKS, 'monitor', params, { extraEnv: { OCF_CHECK_LEVEL: '10' } }).code === 0 ? true : undefined);
    assert.ok(back, 'level 10 monitor succeeds again once the carrier is back');
  });

  it('stop succeeds when the interface vanished, and a probe then says 7', () => {
    assert.equal(agent.call(LINKS, 'monitor', params).code, 0, 'running before the interface goes');
    ip('-n', host(LINKS), 'link', 'del', NIC);
    assertOk(agent.call(LINKS, 'stop', params), 'stop after the nic vanished');
    assertOk(agent.call(LINKS, 'stop', { ip: params.ip }), 'stop without nic after the nic vanished');
    assert.equal(agent.call(LINKS, 'monitor', params).code, 7, 'probe after the nic vanished');
  });
});

describe('meta-data', () => {
  // The checkout may sit under a directory nobody cannot enter (a mode-700 temp dir): run a copy
  // from a traversable place, as an installed agent would be.
  let shared: string;
  let agentCopy: string;
  before(() => {
    shared = mkdtempSync(join(tmpdir(), 'pgbeat-nobody-'));
    chmodSync(shared, 0o755);
    agentCopy = join(shared, 'IPaddr');
    copyFileSync(IPADDR, agentCopy);
    chmodSync(agentCopy, 0o755);
  });
  after(() => rmSync(shared, { recursive: true, force: true }));

  it('runs as nobody from an empty environment and validates against ra-api-1.dtd', () => {
    const r = spawnSync('/usr/bin/setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', NODE, agentCopy, 'meta-data'],
      { encoding: 'utf8', env: {}, cwd: '/', timeout: 10_000 });
    assert.equal(r.status, 0, `meta-data as nobody: ${r.stderr}`);
    assert.equal(r.stderr, '', 'nothing on stderr');
    const dir = mkdtempSync(join(tmpdir(), 'pgbeat-ipaddr-meta-'));
    try {
      const file = join(dir, 'IPaddr.xml');
      writeFileSync(file, r.stdout);
      const x = spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/resource-agents/ra-api-1.dtd', file], { encoding: 'utf8' });
      assert.equal(x.status, 0, `xmllint: ${x.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const p of ['ip', 'cidr_netmask', 'nic', 'broadcast', 'iflabel', 'arp_count']) {
      assert.match(r.stdout, new RegExp(`<parameter name="${p}"`));
    }
  });

  it('runs through its shebang with no environment at all', () => {
    const r = spawnSync('/usr/bin/setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', agentCopy, 'meta-data'],
      { encoding: 'utf8', env: {}, cwd: '/', timeout: 10_000 });
    assert.equal(r.status, 0, `meta-data via shebang: ${r.stderr}`);
    assert.match(r.stdout, /<resource-agent name="IPaddr"/);
  });
});
