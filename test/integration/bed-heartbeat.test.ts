// test: exclusive (installs the agents into /etc/ha.d and runs heartbeat 3.0.6 daemons)
// The shared bed (test/helpers/bed/) under heartbeat 3.0.6 with our agents: castor and pollux, a
// client host writing through the VIP every 20 ms, a witness host, a service LAN, a heartbeat link
// and a serial line. It checks the bed itself (the serial line carries bytes between the nodes, the
// writer and both probers record) and runs one trial: castor loses power, then boots again and
// rejoins as pollux's standby before the checker reads pollux's rows. heartbeat is expected to
// be unsafe (sync_mode=off, see engines/heartbeat.ts), so the lost writes and the time with two
// writable primaries are printed, not asserted zero; what is asserted is what must hold for any
// engine that fails over: writes stop, resume on pollux, and every figure is computed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEARTBEAT } from '../helpers/heartbeat-cluster.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { heartbeatEngine } from '../helpers/bed/engines/heartbeat.ts';
import { checkPgbeatConfig, writePgbeatConfig } from '../helpers/bed/engines/pgbeat.ts';
import { powerLossUntilServed } from '../helpers/bed/faults.ts';
import { formatTrial } from '../helpers/bed/report.ts';
import { SERIAL_DEVICE } from '../helpers/bed/serial.ts';
import { NODE_NAMES } from '../helpers/bed/topology.ts';
import { useBed } from '../helpers/bed/bed-suite.ts';

const missing = [HEARTBEAT, '/usr/bin/socat', ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
  .filter((f) => !existsSync(f));


describe('the bed under heartbeat 3.0.6', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  const bedOf = useBed(() => heartbeatEngine(), { checkGone: true, downTwice: true });

  it('the serial line carries bytes from castor to pollux (socat pty pair at the same path in each node)', async () => {
    const b = bedOf();
    const reader = spawn('nsenter', ['-t', String(b.nodes.pollux.init()), '-m', '-u', '-n', '-p', '--', 'timeout', '5', 'head', '-c', '12', SERIAL_DEVICE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise<number | null>((r) => reader.on('exit', (c) => r(c)));
    await sleep(300);
    const w = b.nodes.castor.run(['sh', '-c', `printf 'castor-ping\\n' > ${SERIAL_DEVICE}`], { timeoutMs: 5_000 });
    assert.equal(w.status, 0, w.out);
    assert.equal(await done, 0);
    assert.equal(got, 'castor-ping\n');
  });

  it('the bed\'s pgbeat configuration passes `pgbeat check-config` on each node (in its network namespace)', () => {
    const b = bedOf();
    for (const n of NODE_NAMES) {
      const dir = join(b.base, `check-${n}-ha.d`);
      writePgbeatConfig(dir, n);
      const c = checkPgbeatConfig(dir, b.topology.ns[n]);
      console.log(`# pgbeat check-config (${n}):\n${c.out.trim().split('\n').map((l) => `#   ${l}`).join('\n')}`);
      assert.equal(c.status, 0, c.out);
      assert.match(c.out, new RegExp(`configuration OK for node ${n} \\(castor, pollux; 5 medium\\(s\\), 1 group\\(s\\)\\)`));
    }
  });

  it('castor loses power: writes through the VIP stop and resume on pollux; the checker reports gap, lost writes and two-primaries time', async () => {
    const b = bedOf();
    const fault = await powerLossUntilServed(b, 'castor', 'pollux');
    // castor boots again and rejoins as pollux's standby (the README's one-off stop: rewind, report).
    const t0 = Date.now();
    await b.rejoin('castor');
    console.log(`# castor rejoined as pollux's standby ${Date.now() - t0} ms after its boot began`);
    await b.stopClients();
    const r = b.report(fault.at);
    console.log(`# ${formatTrial('heartbeat 3.0.6, power loss of castor', r).split('\n').join('\n# ')}`);
    const svg = b.writeSvg(r, 'heartbeat 3.0.6: castor loses power', join(b.base, 'power-loss.svg'));
    console.log(`# picture: ${svg} (removed with the bed)`);
    assert.equal(r.before, 'castor', 'castor acknowledged the last write before the fault');
    assert.equal(r.after, 'pollux', 'pollux acknowledged the first write sent after it');
    assert.equal(r.afterByNode['castor'], undefined, 'nothing sent after the fault was acknowledged by the dead castor');
    assert.ok(r.gapMs !== undefined && r.gapMs > 0, 'a gap was measured');
    assert.ok(r.acknowledged > 100, `writes were acknowledged (${r.acknowledged})`);
    assert.ok(r.histogram.some((h) => (h.byNode['castor'] ?? 0) > 0) && r.histogram.some((h) => (h.byNode['pollux'] ?? 0) > 0), 'the histogram has both nodes');
    for (const n of NODE_NAMES) assert.ok(b.probes().some((p) => p.node === n && p.seen !== undefined), `the prober on ${n} got answers`);
    assert.ok(b.probes().some((p) => p.node === 'castor' && p.ack !== undefined), 'castor acknowledged probe writes before the fault');
    assert.ok(r.promotedMs['pollux'] !== undefined, 'the probers saw pollux promoted');
    assert.equal(b.finalPrimary(), 'pollux');
  });
});
