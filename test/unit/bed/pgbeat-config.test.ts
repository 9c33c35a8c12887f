// The bed's generated pgbeat configuration is one the manager's own parser accepts, with the media,
// witness and resources the bed needs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleClusterConfig } from '../../../lib/manager/config/assemble-config.ts';
import { pgbeatConfig } from '../../helpers/bed/engines/pgbeat-config.ts';

const assemble = (host: 'castor' | 'pollux', o: Parameters<typeof pgbeatConfig>[1] = {}) => {
  const f = pgbeatConfig(host, o);
  return assembleClusterConfig({
    haCf: { file: 'ha.cf', text: f['ha.cf'] },
    haresources: { file: 'haresources', text: f.haresources },
    authkeys: { file: 'authkeys', text: f.authkeys },
  }, host);
};

describe('pgbeatConfig()', () => {
  for (const host of ['castor', 'pollux'] as const) {
    it(`gives ${host} a configuration with no error: 100 ms keepalive, 500 ms deadtime, ucast on both links, the serial line, the witness`, () => {
      const { config, problems } = assemble(host);
      assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
      assert.ok(config);
      assert.equal(config.localNode, host);
      assert.deepEqual(config.nodes, ['castor', 'pollux']);
      assert.equal(config.keepaliveMs, 100);
      assert.equal(config.deadtimeMs, 500);
      assert.deepEqual(config.media.map((m) => (m.kind === 'ucast' ? `${m.dev} ${m.peer}` : m.kind === 'serial' ? `serial ${m.device} ${m.baud}` : m.kind)), [
        'hb0 198.51.100.1', 'hb0 198.51.100.2', 'eth0 192.0.2.11', 'eth0 192.0.2.12', 'serial /run/pgbeat-serial/ttyPGB0 115200',
      ]);
      assert.deepEqual(config.witness, { host: '192.0.2.30', port: 694 });
      assert.equal(config.auth.method, 'sha256');
    });
  }

  it('puts castor\'s group as the postgresql resource (OCF, peers on the service LAN) then the VIP', () => {
    const { config } = assemble('castor', { syncMode: 'fallback' });
    const g = config!.groups[0]!;
    assert.equal(g.preferredNode, 'castor');
    const [pg, vip] = g.resources;
    assert.ok(pg?.kind === 'ocf' && pg.type === 'postgresql');
    assert.equal(pg.params['pgdata'], '/var/lib/pgbeat-lab/data');
    assert.equal(pg.params['peers'], 'castor=192.0.2.11,pollux=192.0.2.12');
    assert.equal(pg.params['sync_mode'], 'fallback');
    assert.ok(vip?.kind === 'ocf' && vip.type === 'IPaddr');
    assert.deepEqual(vip.params, { ip: '192.0.2.10', cidr_netmask: '24', nic: 'eth0' });
  });

  it('leaves out the serial line and the witness when asked', () => {
    const { config } = assemble('pollux', { serial: false, witness: false });
    assert.equal(config!.witness, undefined);
    assert.equal(config!.media.some((m) => m.kind === 'serial'), false);
  });
});
