import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgivePause, heard, newMembership, sweep } from '../../../../lib/manager/core/membership.ts';

const T = { warntimeMs: 250, deadtimeMs: 500, initdeadMs: 2000 };

test('sweep() declares the peer dead after initdead before first contact, deadtime after', () => {
  const cases: { name: string; heardAt: number | null; now: number; dead: boolean }[] = [
    { name: 'never heard, within initdead', heardAt: null, now: 2000, dead: false },
    { name: 'never heard, past initdead', heardAt: null, now: 2001, dead: true },
    { name: 'heard, within deadtime', heardAt: 1000, now: 1500, dead: false },
    { name: 'heard, past deadtime', heardAt: 1000, now: 1501, dead: true },
  ];
  for (const c of cases) {
    let m = newMembership(['lan', 'hb'], 0);
    if (c.heardAt !== null) m = heard(m, 'lan', c.heardAt, 'beta', T).m;
    assert.equal(sweep(m, c.now, 'beta', T).m.dead, c.dead, c.name);
  }
});

test('one dead link never makes the peer dead: heard on any medium keeps it alive', () => {
  let m = newMembership(['lan', 'hb'], 0);
  m = heard(m, 'lan', 100, 'beta', T).m;
  m = heard(m, 'hb', 100, 'beta', T).m;
  for (let t = 200; t <= 2000; t += 100) m = heard(m, 'hb', t, 'beta', T).m; // lan silent from 100 on
  const r = sweep(m, 2000, 'beta', T);
  assert.equal(r.m.dead, false);
  assert.equal(r.m.links['lan']!.up, false);
  assert.equal(r.m.links['hb']!.up, true);
  assert.deepEqual(r.events.map((e) => e.sentence), ['Link beta:lan dead.']);
});

test('heard() warns of a late heartbeat past warntime and logs the return of a dead peer', () => {
  let m = newMembership(['lan'], 0);
  m = heard(m, 'lan', 100, 'beta', T).m;
  const late = heard(m, 'lan', 400, 'beta', T);
  assert.deepEqual(late.events.map((e) => e.level), ['warn']);
  assert.match(late.events[0]!.sentence, /Late heartbeat: Node beta: interval 300 ms/);
  const dead = sweep(late.m, 1000, 'beta', T).m;
  assert.equal(dead.dead, true);
  const back = heard(dead, 'lan', 1100, 'beta', T);
  assert.equal(back.m.dead, false);
  assert.match(back.events.map((e) => e.sentence).join(' '), /status active/);
});

test('forgivePause() restarts the silence count after our own pause', () => {
  let m = heard(newMembership(['lan'], 0), 'lan', 100, 'beta', T).m;
  m = forgivePause(m, 5000);
  assert.equal(sweep(m, 5400, 'beta', T).m.dead, false);
  assert.equal(sweep(m, 5501, 'beta', T).m.dead, true);
});
