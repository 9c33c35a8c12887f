// test: exclusive (the lab's namespaces)
// The README's first command, driven as a person would: `npm run lab up`, `status`, `fail freeze-thaw`
// (the primary SIGSTOPped for longer than deadtime, then resumed), `heal`, then every other fault
// followed by `heal`, `down`, `down` again, with the state file in a temp directory. Asserts what the
// lab promises: never two writable primaries, every acknowledged write on the final primary, the old
// primary back as a streaming standby, the picture written, and nothing left after `down`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/agent.ts';
import { attachBed } from '../helpers/bed/bed.ts';
import { pgbeatEngine } from '../helpers/bed/engines/pgbeat.ts';
import { Ledger, sameProcess, type LedgerEntry } from '../helpers/bed/ledger.ts';
import { waitUntil } from '../helpers/lab-node.ts';
import { PG_BINDIR } from '../helpers/pg.ts';

const missing = ['/usr/bin/socat', ...['initdb', 'pg_ctl', 'psql', 'postgres', 'pg_rewind'].map((b) => join(PG_BINDIR, b))]
  .filter((f) => !existsSync(f));

const dir = mkdtempSync(join(tmpdir(), 'pgbeat-lab-test-'));
const state = join(dir, 'state.json');

/** `npm run -s lab -- <args> --state <state>`: exit code and output (bounded). */
const lab = (...args: string[]): { code: number | null; out: string } => {
  const r = spawnSync('npm', ['run', '-s', 'lab', '--', ...args, '--state', state], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  for (const m of out.matchAll(/^(pgbeat: .* of \w+: gap .*)$/gm)) gaps.push(m[1]!);
  console.log(`# npm run lab ${args.join(' ')} -> ${r.status}\n${out.trimEnd().split('\n').map((l) => `#   ${l}`).join('\n')}`);
  return { code: r.status, out };
};

/** What the ledger recorded while the lab was up (for the checks after `down`). */
let made: LedgerEntry[] = [];
/** Each fault's figures line ("pgbeat: kill of castor: gap ... ms ..."), printed at the end. */
const gaps: string[] = [];

describe('npm run lab (up, status, fail <each fault>, heal, down, down)', { skip: missing.length ? `missing: ${missing.join(', ')}` : false }, () => {
  before(() => {
    const r = lab('up');
    made = existsSync(state) ? [...Ledger.load(state).entries] : [];
    assert.equal(r.code, 0, 'up succeeded');
  });

  after(() => {
    console.log(`# gaps (fault -> first acknowledged write through the VIP):\n${gaps.map((g) => `#   ${g}`).join('\n')}`);
    // Whatever happened above: nothing of the lab stays.
    if (existsSync(state)) lab('down');
    rmSync(dir, { recursive: true, force: true });
  });

  it('up: castor primary with the VIP, pollux its synchronous standby, the client writing', () => {
    const r = lab('status');
    assert.equal(r.code, 0);
    assert.match(r.out, /node\s+castor \(holds the service\): primary/);
    assert.match(r.out, /node\s+pollux: standby .*streaming/);
    assert.match(r.out, /agreed\s+epoch \d+: primary castor, SYNC\(pollux\)/);
    assert.match(r.out, /VIP 192\.0\.2\.10 on castor; primary: castor/);
    assert.match(r.out, /client: running, [1-9]\d* writes acknowledged/);
  });

  it('bad input: a second up, an unknown fault; one line each, the right exit code, the lab untouched', () => {
    const again = lab('up');
    assert.equal(again.code, 1);
    assert.match(again.out, /^lab: the lab is already up \(state file .*\); `npm run lab down` takes it down first\n$/);
    const bogus = lab('fail', 'meteor');
    assert.equal(bogus.code, 2);
    assert.equal(bogus.out, 'lab: fail needs one of: kill, isolate, freeze-thaw, postmaster-crash, link-down, switchover (not meteor)\n');
    assert.match(lab('status').out, /VIP 192\.0\.2\.10 on castor; primary: castor/);
  });

  it('fail freeze-thaw: pollux takes over; nothing acknowledged is lost; never two primaries acknowledging; timeline and picture', () => {
    const r = lab('fail', 'freeze-thaw');
    assert.equal(r.code, 0, 'the promise held (fail exits 1 otherwise)');
    assert.match(r.out, /castor -> pollux/);
    assert.match(r.out, /, 0 acknowledged and lost/);
    assert.match(r.out, /two nodes acknowledging writes: 0 ms/);
    // The timeline: the fault, pollux declaring castor dead, promoting, the VIP, the first write after.
    for (const step of [/\+0 ms\s+bed\s+freeze-thaw of castor/, /pollux\s+declared castor dead/, /pollux\s+PostgreSQL promoted/, /pollux\s+VIP up/, /client\s+first write sent after the fault acknowledged \(by pollux\)/]) {
      assert.match(r.out, step);
    }
    const svg = /picture \(acknowledged writes per 100 ms\): (\S+\.svg)/.exec(r.out)?.[1];
    assert.ok(svg && existsSync(svg), `the picture was written (${svg})`);
    const text = readFileSync(svg, 'utf8');
    assert.match(text, /^<\?xml[\s\S]*<svg /);
    assert.match(text, /time since the fault \(s\)/);
    assert.match(text, /acknowledged writes per 100 ms/);
  });

  it('heal: castor is pollux\'s streaming synchronous standby again; every acknowledged write since up is on pollux', async () => {
    const r = lab('heal');
    assert.equal(r.code, 0);
    assert.match(r.out, /healed: pollux primary with the VIP, castor streaming from it/);
    const s = lab('status');
    assert.match(s.out, /node\s+castor: standby .*streaming/);
    assert.match(s.out, /agreed\s+epoch \d+: primary pollux, SYNC\(castor\)/);
    // Checked here too, from the lab's own records, over the whole run: every acknowledged write is on
    // the final primary and no two nodes ever acknowledged writes at once.
    const bed = attachBed(state, pgbeatEngine({ syncMode: 'fallback' }));
    const report = bed.report(Date.now());
    assert.ok(report.acknowledged > 100, `the client wrote (${report.acknowledged} acknowledged)`);
    assert.deepEqual(report.lost, []);
    assert.equal(report.twoAcknowledgingMs, 0);
    assert.equal(bed.finalPrimary(), 'pollux');
  });

  // Every other fault, each healed before the next: the promise holds and the service comes back
  // where it should (on the other node, or in place for a crashed postmaster and a heartbeat link).
  const faults: { fault: string; moves: boolean }[] = [
    { fault: 'kill', moves: true }, { fault: 'isolate', moves: true }, { fault: 'postmaster-crash', moves: false },
    { fault: 'link-down', moves: false }, { fault: 'switchover', moves: true },
  ];
  for (const { fault, moves } of faults) {
    it(`fail ${fault}, then heal: ${moves ? 'the other node takes over' : 'the service stays'}; nothing acknowledged lost; both nodes streaming again`, () => {
      const r = lab('fail', fault);
      const primary = /fault: \S+ of (\w+) \(the primary\)/.exec(r.out)?.[1];
      assert.ok(primary === 'castor' || primary === 'pollux', 'fail names the primary');
      const to = moves ? (primary === 'castor' ? 'pollux' : 'castor') : primary;
      assert.equal(r.code, 0, 'the promise held');
      assert.match(r.out, /, 0 acknowledged and lost/);
      assert.match(r.out, /two nodes acknowledging writes: 0 ms/);
      assert.match(r.out, new RegExp(`service back: the first write acknowledged by ${to} came \\d+ ms after the fault`));
      if (fault === 'kill') assert.match(lab('status').out, new RegExp(`== ${primary}: powered off ==`));
      const h = lab('heal');
      assert.equal(h.code, 0);
      assert.match(h.out, new RegExp(`healed: ${to} primary with the VIP, ${to === 'castor' ? 'pollux' : 'castor'} streaming from it`));
    });
  }

  it('fail kill --standby (sync_mode=fallback): the primary goes on alone once SOLO is recorded; heal: the standby boots and streams', () => {
    const r = lab('fail', 'kill', '--standby');
    const standby = /fault: kill of (\w+) \(the standby\)/.exec(r.out)?.[1];
    assert.ok(standby === 'castor' || standby === 'pollux', 'fail names the standby');
    const primary = standby === 'castor' ? 'pollux' : 'castor';
    assert.equal(r.code, 0, 'the promise held');
    assert.match(r.out, /, 0 acknowledged and lost/);
    assert.match(r.out, new RegExp(`service back: the first write acknowledged by ${primary} came \\d+ ms after the fault`));
    const h = lab('heal');
    assert.equal(h.code, 0);
    assert.match(h.out, new RegExp(`healed: ${primary} primary with the VIP, ${standby} streaming from it`));
  });

  it('down removes every namespace, process and file; down again is fine', async () => {
    assert.ok(made.length > 0, 'up recorded what it made');
    const r = lab('down');
    assert.equal(r.code, 0);
    assert.equal(existsSync(state), false, 'the state file is gone');
    for (const e of made) {
      if (e.kind === 'netns') assert.equal(existsSync(`/run/netns/${e.name}`), false, `namespace ${e.name} is gone`);
      // A killed orphan is a zombie until PID 1 reaps it: a moment.
      if (e.kind === 'process') assert.ok(await waitUntil(() => !sameProcess(e.pid, e.startTime), { timeoutMs: 5_000, stepMs: 50 }), `process ${e.pid} (${e.what}) is gone`);
      if (e.kind === 'dir') assert.equal(existsSync(e.path), false, `${e.path} is gone`);
    }
    const again = lab('down');
    assert.equal(again.code, 0);
    assert.match(again.out, /nothing to take down/);
    const status = lab('status');
    assert.equal(status.code, 1);
    assert.match(status.out, /^lab: the lab is not up \(no state file .*\); `npm run lab` brings it up\n$/);
  });
});
