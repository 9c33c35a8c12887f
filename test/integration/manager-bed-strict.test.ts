// test: exclusive (installs the agents into /usr/lib/ocf and runs pgbeat cluster daemons)
// pgbeat on the shared bed with sync_mode=strict: when the synchronous standby dies, the primary
// never goes SOLO, so writes through the VIP wait (none is acknowledged) until the standby is back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '../helpers/lab-node.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { pgbeatEngine } from '../helpers/bed/engines/pgbeat.ts';
import { powerLoss } from '../helpers/bed/faults.ts';
import { formatTrial } from '../helpers/bed/report.ts';
import { streamsFrom } from '../helpers/bed/sql.ts';
import { useBed } from '../helpers/bed/bed-suite.ts';

const missing = ['/usr/bin/socat', ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
  .filter((f) => !existsSync(f));


describe('pgbeat on the bed, sync_mode=strict', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  const bedOf = useBed(() => pgbeatEngine({ syncMode: 'strict' }));

  it('the standby dies: writes wait (nothing acknowledged) for as long as it is away, then resume on castor once it streams again', async () => {
    const b = bedOf();
    await b.startClients({ writeIntervalMs: 20, probeIntervalMs: 50 });
    await sleep(1_000);
    const fault = await powerLoss(b, 'pollux');
    await sleep(4_000);
    const during = b.writes().filter((w) => w.sent >= fault.at + 200 && w.ack !== undefined);
    assert.deepEqual(during.map((w) => w.seq), [], 'no write sent after the standby died was acknowledged while it was away');
    await fault.heal();
    const back = Date.now();
    await b.nodes.pollux.start();
    const resumed = await b.waitForWritesOn('castor', back, 60_000);
    if (!resumed) assert.fail(`writes resume on castor after pollux is back:\n${b.diagnose()}`);
    await sleep(1_000);
    await b.stopClients();
    const r = b.report(fault.at);
    console.log(`# ${formatTrial('pgbeat strict, standby power loss', r).split('\n').join('\n# ')}`);
    console.log(`# writes waited ${r.gapMs} ms in all (the standby was away ${back - fault.at} ms, then booted)`);
    assert.deepEqual(r.lost, []);
    assert.equal(r.twoAcknowledgingMs, 0);
    assert.equal(r.after, 'castor');
    assert.ok(await waitUntil(() => streamsFrom(b.nodes.castor, 'pollux'), { timeoutMs: 30_000, stepMs: 250 }), 'pollux streams again');
  });
});
