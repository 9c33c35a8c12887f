// test: exclusive (the bed)
// The shared bed (test/helpers/bed/) under Pacemaker 2.1 + corosync 3 with our agents
// (engines/pacemaker.ts: the README's recipe, a promotable clone of postgresql with sync_mode=fallback
// and the IPaddr colocated with the promoted instance): castor and pollux, a client writing through
// the VIP every 20 ms, a prober on each node. One trial: castor loses power. Pacemaker promotes the
// synchronous standby, so every write the client saw acknowledged must be on pollux, and the two
// nodes must never both acknowledge writes; the gap is printed (the benchmark compares it).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { missingClusterBinaries } from '../helpers/pacemaker-cluster.ts';
import { PG_BINDIR } from '../helpers/pg.ts';
import { pacemakerEngine, pacemakerRoles } from '../helpers/bed/engines/pacemaker.ts';
import { powerLossUntilServed } from '../helpers/bed/faults.ts';
import { formatTrial } from '../helpers/bed/report.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { useBed } from '../helpers/bed/bed-suite.ts';

const missing = [
  ...missingClusterBinaries(), ...['/usr/bin/socat', ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
    .filter((f) => !existsSync(f)),
];


describe('the bed under Pacemaker + corosync', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  const bedOf = useBed(() => pacemakerEngine(), { checkGone: true });

  it('castor loses power: pollux is promoted with every acknowledged write, and never two primaries acknowledge writes', async () => {
    const b = bedOf();
    assert.equal(pacemakerRoles(b.nodes.castor).get('castor'), 'Promoted', 'castor is the promoted instance');
    const fault = await powerLossUntilServed(b, 'castor', 'pollux');
    await b.stopClients();
    const promoted = await waitUntil(() => pacemakerRoles(b.nodes.pollux).get('pollux') === 'Promoted', { timeoutMs: 30_000, stepMs: 500 });
    assert.ok(promoted, `Pacemaker does not show pollux promoted:\n${b.diagnose()}`);
    const r = b.report(fault.at);
    console.log(`# ${formatTrial('Pacemaker + corosync, power loss of castor', r).split('\n').join('\n# ')}`);
    assert.equal(b.finalPrimary(), 'pollux');
    assert.equal(r.before, 'castor', 'castor acknowledged the last write before the fault');
    assert.equal(r.after, 'pollux', 'pollux acknowledged the first write sent after it');
    assert.ok(r.acknowledged > 100, `writes were acknowledged (${r.acknowledged})`);
    assert.deepEqual(r.lost, [], 'every acknowledged write is on pollux');
    assert.equal(r.twoAcknowledgingMs, 0, 'never two nodes acknowledging writes');
    assert.ok(r.gapMs !== undefined && r.gapMs > 0, 'a gap was measured');
  });
});
