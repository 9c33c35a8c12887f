// What `pgbeat` refuses before it touches anything, run as the built command: `start` with an
// authkeys file readable by group or others (as heartbeat refuses it), and `standby`/`takeover` naming
// one group of several (the groups move together) or a group that is not configured. Each refusal is
// one line on stderr, exit 1, no stack trace; the daemon's socket is never reached.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent.ts';

const PGBEAT = join(ROOT, 'dist', 'bin', 'pgbeat');
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-refusals-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HACF = 'keepalive 100ms\ndeadtime 1\ninitdead 2\nudpport 6970\nucast eth0 198.51.100.31\nucast eth0 198.51.100.32\nnode alpha beta\nlogfacility none\n';
/** A configuration directory with these haresources lines and authkeys mode. */
const configDir = (name: string, haresources: string, mode: number): string => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'ha.cf'), HACF);
  writeFileSync(join(d, 'haresources'), haresources);
  writeFileSync(join(d, 'authkeys'), 'auth 1\n1 sha256 refusal-lab-secret\n');
  chmodSync(join(d, 'authkeys'), mode);
  writeFileSync(join(d, 'nodeinfo'), 'alpha\n');
  return d;
};
const pgbeat = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [PGBEAT, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

for (const mode of [0o644, 0o640]) {
  test(`start refuses an authkeys file of mode ${mode.toString(8).padStart(4, '0')} (readable by group or others): one line, exit 1, nothing started`, () => {
    const d = configDir(`mode-${mode.toString(8)}`, 'alpha IPaddr::192.0.2.10\n', mode);
    const state = join(dir, `state-${mode.toString(8)}`);
    const sock = join(dir, `mode-${mode.toString(8)}.sock`);
    const r = pgbeat('start', '--config-dir', d, '--socket', sock, '--state-dir', state);
    assert.equal(r.code, 1, `${r.out}${r.err}`);
    const said = lines(`${r.out}${r.err}`).filter((l) => /authkeys/.test(l));
    assert.equal(said.length, 1, `one line about authkeys: ${r.out}${r.err}`);
    assert.match(said[0]!, new RegExp(`authkeys: .*readable by group or others \\(mode 0${mode.toString(8)}\\); run chmod 600`));
    assert.doesNotMatch(`${r.out}${r.err}`, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(state, 'generation')), false, 'no generation raised: the daemon did not start');
    assert.equal(existsSync(sock), false, 'no control socket');
  });
}

test('start with authkeys at 0600 gets past the check (the same directory otherwise)', () => {
  const d = configDir('mode-600', 'alpha IPaddr::192.0.2.10\n', 0o600);
  const r = spawnSync(process.execPath, [PGBEAT, 'check-config', '--config-dir', d], { encoding: 'utf8', timeout: 20_000 });
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /readable by group or others/);
});

const TWO = 'alpha ocf:heartbeat:Dummy::state=/tmp/refusal-a\nalpha IPaddr::192.0.2.10\n';
for (const command of ['standby', 'takeover'] as const) {
  test(`${command} of one group of two is refused: one line saying why, exit 1`, () => {
    const d = configDir(`two-${command}`, TWO, 0o600);
    const r = pgbeat(command, 'IPaddr::192.0.2.10', '--config-dir', d, '--socket', join(dir, 'none.sock'), '--wait', '1');
    assert.equal(r.code, 1, `${r.out}${r.err}`);
    assert.deepEqual(lines(r.err), [`pgbeat: Cannot ${command} group 'IPaddr::192.0.2.10' alone: pgbeat moves all 2 groups together (one agreed primary for the whole service, so a group never runs apart from the database); use \`pgbeat ${command} all\`.`]);
    assert.equal(r.out, '');
  });
}

test('standby of an unknown group is refused with the list of groups', () => {
  const d = configDir('two-unknown', TWO, 0o600);
  const r = pgbeat('standby', 'web', '--config-dir', d, '--socket', join(dir, 'none.sock'), '--wait', '1');
  assert.equal(r.code, 1);
  assert.deepEqual(lines(r.err), ["pgbeat: No group 'web' in haresources; its groups: 'ocf:heartbeat:Dummy::state=/tmp/refusal-a', 'IPaddr::192.0.2.10' (or all)."]);
});

test('standby naming the only group goes on to the daemon (here: none runs, so the socket is the complaint)', () => {
  const d = configDir('one', 'alpha IPaddr::192.0.2.10\n', 0o600);
  const r = pgbeat('standby', 'IPaddr::192.0.2.10', '--config-dir', d, '--socket', join(dir, 'none.sock'), '--wait', '1');
  assert.equal(r.code, 1);
  assert.equal(lines(r.err).length, 1, r.err);
  assert.doesNotMatch(r.err, /Cannot standby group|No group/);
  assert.match(r.err, /none\.sock|ENOENT|connect/i);
});
