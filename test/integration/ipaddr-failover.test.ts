// IPaddr between hosts: the announcement reaches a neighbour (gratuitous ARP for IPv4, unsolicited
// NA via send_ua for IPv6), the IPv6 lifecycle, and refusing an address another host already holds.
// Three namespaces on one bridge: A and C take turns holding the VIP, B watches its neighbour table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createLab, inNs, ip, macOf, neighbourMac, type Lab } from '../helpers/netns.ts';
import { assertCleanFailure, assertOk, pollFor, requireBuiltAgent, show, vipRunner } from '../helpers/vip.ts';

const NIC = 'eth0';
const [A, B, C] = [0, 1, 2];
const ADDRESSES = [
  ['192.0.2.1/24', '2001:db8::1/64'],
  ['192.0.2.2/24', '2001:db8::2/64'],
  ['192.0.2.3/24', '2001:db8::3/64'],
];

let lab: Lab | undefined;
let agent: ReturnType<typeof vipRunner>;
const started = new Set<string>(); // "host ip" pairs to stop in after()

const teardown = (): void => {
  agent?.cleanup();
  lab?.cleanup();
  lab = undefined;
};
process.on('exit', teardown);

before(() => {
  requireBuiltAgent();
  lab = createLab(3, ADDRESSES, NIC);
  agent = vipRunner(lab);
});
after(() => {
  // Stop what a failed test left running (this also ends a background arping by its PID file).
  for (const key of started) {
    const [h, vip] = key.split(' ');
    if (lab) agent.call(Number(h), 'stop', { ip: vip!, nic: NIC });
  }
  teardown();
});

const host = (i: number): string => lab!.host(i);
const start = (h: number, params: Record<string, string>): void => {
  started.add(`${h} ${params['ip']}`);
  assertOk(agent.call(h, 'start', params), `start on host ${h}`);
};
const stop = (h: number, params: Record<string, string>): void => {
  assertOk(agent.call(h, 'stop', params), `stop on host ${h}`);
  started.delete(`${h} ${params['ip']}`);
};
const holds = (h: number, address: string): boolean =>
  (JSON.parse(ip('-n', host(h), '-j', 'addr', 'show', 'dev', NIC)) as { addr_info: { local: string }[] }[])[0]!
    .addr_info.some((a) => a.local === address);

/** B's neighbour entry for `vip` once it equals `mac` (polled, bounded), else what it is then. */
const awaitNeighbour = async (vip: string, mac: string): Promise<string | undefined> =>
  (await pollFor(() => (neighbourMac(host(B), vip) === mac ? mac : undefined), 5_000)) ?? neighbourMac(host(B), vip);

describe('IPv4: the gratuitous ARP reaches another host', () => {
  const vip = '192.0.2.50';
  const params = { ip: vip, cidr_netmask: '24', nic: NIC };

  it("B's neighbour entry for the VIP moves from A's MAC to C's without B sending anything", async (t) => {
    start(A, params);
    const ping = inNs(host(B), 'ping', ['-c', '1', '-W', '2', vip]);
    assert.equal(ping.status, 0, `B pings the VIP on A: ${ping.stdout}${ping.stderr}`);
    assert.equal(neighbourMac(host(B), vip), macOf(host(A), NIC), "B's entry points at A");

    stop(A, params);
    assert.ok(!holds(A, vip));
    assert.equal(neighbourMac(host(B), vip), macOf(host(A), NIC), "stopping A alone does not change B's entry");
    const t0 = Date.now();
    start(C, params);
    const seen = await awaitNeighbour(vip, macOf(host(C), NIC));
    assert.equal(seen, macOf(host(C), NIC), `B's entry should point at C (A is ${macOf(host(A), NIC)})`);
    t.diagnostic(`IPv4 neighbour updated ${Date.now() - t0} ms after start on C began`);
    stop(C, params);
  });
});

describe('IPv6 (2001:db8::/64)', () => {
  const vip = '2001:db8::50';
  const params = { ip: vip, cidr_netmask: '64', nic: NIC };

  it('start, monitor and stop are idempotent; start waits for DAD', (t) => {
    assert.equal(agent.call(A, 'monitor', params).code, 7, 'probe before start');
    const t0 = Date.now();
    start(A, params);
    const took = Date.now() - t0;
    t.diagnostic(`IPv6 start with DAD took ${took} ms`);
    const entry = (JSON.parse(ip('-n', host(A), '-j', '-6', 'addr', 'show', 'dev', NIC)) as
      { addr_info: { local: string; prefixlen: number; tentative?: boolean }[] }[])[0]!.addr_info.filter((a) => a.local === vip);
    assert.deepEqual(entry.map((a) => [a.prefixlen, a.tentative ?? false]), [[64, false]], 'added once, DAD finished');
    assertOk(agent.call(A, 'monitor', params), 'monitor');
    assertOk(agent.call(A, 'start', params), 'second start');
    stop(A, params);
    assert.equal(agent.call(A, 'monitor', params).code, 7, 'monitor after stop');
    assert.ok(holds(A, '2001:db8::1'), "the host's own address survives");
    assertOk(agent.call(A, 'stop', params), 'second stop');
  });

  it('send_ua spaces announcements in milliseconds (arp_count=4, arp_interval=250: about 1 s)', (t) => {
    const quick = { ...params, ip: '2001:db8::51', dad: 'false', arp_bg: 'false', arp_count: '4', arp_interval: '250' };
    const t0 = Date.now();
    start(A, quick);
    const took = Date.now() - t0;
    t.diagnostic(`IPv6 start without DAD, 4 NAs 250 ms apart, took ${took} ms`);
    stop(A, quick);
    assert.ok(took >= 900 && took < 5_000, `took ${took} ms`);
  });

  it("B's neighbour entry moves to the new holder through an unsolicited NA", async () => {
    start(A, params);
    const ping = inNs(host(B), 'ping', ['-6', '-c', '1', '-W', '2', vip]);
    assert.equal(ping.status, 0, `B pings the VIP on A: ${ping.stdout}${ping.stderr}`);
    assert.equal(neighbourMac(host(B), vip), macOf(host(A), NIC), "B's entry points at A");

    stop(A, params);
    start(C, params);
    const seen = await awaitNeighbour(vip, macOf(host(C), NIC));
    assert.equal(seen, macOf(host(C), NIC), `B's entry should point at C (A is ${macOf(host(A), NIC)})`);
    stop(C, params);
  });

  it("control: without send_ua, B's entry stays on A's MAC (DAD probes alone do not move it)", async () => {
    const vip6 = '2001:db8::52';
    const p = { ...params, ip: vip6 };
    start(A, p);
    assert.equal(inNs(host(B), 'ping', ['-6', '-c', '1', '-W', '2', vip6]).status, 0, 'B pings the VIP on A');
    stop(A, p);
    started.add(`${C} ${vip6}`);
    const r = agent.call(C, 'start', p, { hide: ['/usr/libexec/heartbeat/send_ua'] });
    assertOk(r, 'start on C without send_ua');
    assert.match(r.stderr, /send_ua .*not found/, 'the missing announcer is logged');
    const moved = await pollFor(() => (neighbourMac(host(B), vip6) === macOf(host(C), NIC) ? true : undefined), 1_500);
    assert.equal(moved, undefined, "B's entry moved although nothing announced the address");
    assert.equal(neighbourMac(host(B), vip6), macOf(host(A), NIC));
    stop(C, p);
  });
});

describe('duplicate address detection', () => {
  it('IPv4: start refuses an address B holds (arping -D), exit 1 naming it, nothing left on A', (t) => {
    const vip = '192.0.2.60';
    ip('-n', host(B), 'addr', 'add', `${vip}/24`, 'dev', NIC);
    try {
      const t0 = Date.now();
      const r = agent.call(A, 'start', { ip: vip, cidr_netmask: '24', nic: NIC });
      t.diagnostic(`IPv4 start refused after ${Date.now() - t0} ms`);
      assertCleanFailure(r, 1, [vip, macOf(host(B), NIC)], 'start of a duplicate IPv4 address');
      assert.ok(!holds(A, vip), 'not left on A');
      assert.equal(agent.call(A, 'monitor', { ip: vip, cidr_netmask: '24', nic: NIC }).code, 7);
    } finally {
      spawnSync('ip', ['-n', host(B), 'addr', 'del', `${vip}/24`, 'dev', NIC]);
    }
    // With B's copy gone the same start succeeds.
    start(A, { ip: vip, cidr_netmask: '24', nic: NIC });
    stop(A, { ip: vip, cidr_netmask: '24', nic: NIC });
  });

  it('IPv6: start refuses an address B holds (kernel DAD -> dadfailed), exit 1 naming it, nothing left on A', (t) => {
    const vip = '2001:db8::60';
    ip('-n', host(B), 'addr', 'add', `${vip}/64`, 'dev', NIC, 'nodad');
    try {
      const t0 = Date.now();
      const r = agent.call(A, 'start', { ip: vip, cidr_netmask: '64', nic: NIC });
      t.diagnostic(`IPv6 start refused after ${Date.now() - t0} ms`);
      assertCleanFailure(r, 1, [vip], 'start of a duplicate IPv6 address');
      assert.ok(!holds(A, vip), `not left on A: ${show(r)}`);
    } finally {
      spawnSync('ip', ['-n', host(B), 'addr', 'del', `${vip}/64`, 'dev', NIC]);
    }
  });
});
