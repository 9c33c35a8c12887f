import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockVerdict, parseLockPid, lockText } from '../../../lib/db-sync/lock.ts';
import { repairPlan, syncPaths, targetKey } from '../../../lib/db-sync/paths.ts';
import { ageVerdict, parseState, renderState, NO_STATE, type SyncState } from '../../../lib/db-sync/state.ts';
import { clock, progressLine } from '../../../lib/db-sync/progress.ts';
import { nextRunDelayMs, parseSupervisor, renderSupervisor } from '../../../lib/db-sync/supervisor.ts';

test('syncPaths: siblings of the target and files named after it in the state directory', () => {
  assert.deepEqual(syncPaths('/var/lib/postgresql/15/main/', '/var/lib/pgbeat/db_sync'), {
    target: '/var/lib/postgresql/15/main',
    building: '/var/lib/postgresql/15/main.db_sync-new',
    aside: '/var/lib/postgresql/15/main.db_sync-old',
    lock: '/var/lib/pgbeat/db_sync/var_lib_postgresql_15_main.lock',
    state: '/var/lib/pgbeat/db_sync/var_lib_postgresql_15_main.state',
  });
  assert.equal(targetKey('/srv/pg data/x'), 'srv_pg_data_x');
});

const repairCases: { present: [boolean, boolean, boolean]; want: string[] }[] = [
  { present: [true, false, false], want: [] },
  { present: [false, false, false], want: [] },
  { present: [true, true, false], want: ['remove-building'] },
  { present: [false, false, true], want: ['restore-aside'] },
  { present: [false, true, true], want: ['restore-aside', 'remove-building'] },
  { present: [true, false, true], want: ['check-aside'] },
];
for (const c of repairCases) {
  const [target, building, aside] = c.present;
  test(`repairPlan: target ${target}, building ${building}, aside ${aside} -> ${c.want.join(', ') || 'nothing'}`, () => {
    assert.deepEqual(repairPlan({ target, building, aside }).map((s) => s.do), c.want);
  });
}

const lockCases: { name: string; holder: Parameters<typeof lockVerdict>[0]; take: boolean; says: RegExp }[] = [
  { name: 'no lock file', holder: undefined, take: true, says: /^$/ },
  { name: 'a live holder', holder: { pid: 812, alive: true }, take: false, says: /^locked, sync already active \(PID 812\)$/ },
  { name: 'a dead holder', holder: { pid: 812, alive: false }, take: true, says: /stale lock of PID 812, which is gone/ },
  { name: 'garbage in the file', holder: { pid: undefined, alive: false }, take: true, says: /unreadable lock file/ },
];
for (const c of lockCases) {
  test(`lockVerdict: ${c.name} -> ${c.take ? 'take' : 'skip'}`, () => {
    const v = lockVerdict(c.holder);
    assert.equal(v.take, c.take);
    assert.match(v.take ? v.stale ?? '' : v.reason, c.says);
  });
}

test('lock text round-trips; anything else holds no PID', () => {
  assert.equal(parseLockPid(lockText(4711)), 4711);
  assert.equal(parseLockPid('abc'), undefined);
  assert.equal(parseLockPid(''), undefined);
});

const good: SyncState = {
  lastGood: { finishedAt: 1000, method: 'rsync', source: 'pg1:5432', sizeBytes: 123456, bytesMoved: 2345, durationMs: 4000, systemId: '1', timeline: 1, checkpoint: '0/5000060' },
  lastRun: { at: 1000, ok: true, reason: 'sync done' },
};
const failedLast: SyncState = { ...good, lastRun: { at: 1300, ok: false, reason: 'Cannot reach the source' } };

const ageCases: { name: string; state: SyncState; now: number; maxAge: number; since: number; ok: boolean; says: RegExp }[] = [
  { name: 'a fresh copy', state: good, now: 1100, maxAge: 900, since: 0, ok: true, says: /100 s old \(rsync from pg1:5432, 123456 bytes, 2345 moved in 4 s\)/ },
  { name: 'a copy older than max_age', state: good, now: 2000, maxAge: 900, since: 0, ok: false, says: /1000 s old .*, older than max_age=900$/ },
  { name: 'too old, with the last failure', state: failedLast, now: 2000, maxAge: 900, since: 0, ok: false, says: /older than max_age=900 \(last run: Cannot reach the source\)/ },
  { name: 'max_age 0 never fails', state: good, now: 99999, maxAge: 0, since: 0, ok: true, says: /old/ },
  { name: 'no copy yet, supervisor just started', state: NO_STATE, now: 100, maxAge: 900, since: 50, ok: true, says: /no good copy recorded yet/ },
  { name: 'no copy after max_age of supervision', state: NO_STATE, now: 1000, maxAge: 900, since: 50, ok: false, says: /no good copy recorded in 950 s, more than max_age=900/ },
  { name: 'an old copy, supervisor started within max_age', state: good, now: 5000, maxAge: 900, since: 4500, ok: true, says: /4000 s old .*, but the supervisor started 500 s ago, within max_age/ },
];
for (const c of ageCases) {
  test(`ageVerdict: ${c.name} -> ${c.ok ? 'ok' : 'fail'}`, () => {
    const v = ageVerdict(c.state, c.now, c.maxAge, c.since);
    assert.equal(v.ok, c.ok);
    assert.match(v.reason, c.says);
  });
}

test('state round-trips; malformed text reads as no state', () => {
  assert.deepEqual(parseState(renderState(good)), good);
  assert.deepEqual(parseState('{"lastGood": {"finishedAt": "x"}}'), NO_STATE);
  assert.deepEqual(parseState('not json'), NO_STATE);
  assert.deepEqual(parseState(undefined), NO_STATE);
});

test('progressLine: bytes, share, rate and ETA; without a total no share or ETA', () => {
  assert.equal(progressLine(512 * 1024 * 1024, 1024 * 1024 * 1024, 8000), '512.0 MiB of 1.0 GiB (50%), 64.0 MiB/s, ETA 0:08');
  assert.equal(progressLine(2048, undefined, 1000), '2.0 KiB, 2.0 KiB/s');
  assert.equal(clock(3725), '1:02:05');
});

test('supervisor record round-trips; next run is interval after the last start, at least 1 s away', () => {
  assert.deepEqual(parseSupervisor(renderSupervisor({ pid: 4711, startedAt: 1733300000.5 })), { pid: 4711, startedAt: 1733300000.5 });
  assert.equal(parseSupervisor('x'), undefined);
  assert.equal(nextRunDelayMs(300, 0, 100_000), 200_000);
  assert.equal(nextRunDelayMs(300, 0, 400_000), 1_000, 'a run longer than the interval: the next starts soon');
});
