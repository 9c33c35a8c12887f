import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePostmasterPid } from '../../../lib/pg/postmaster-pid.ts';
import { parseRewindOutput } from '../../../lib/pg/rewind-output.ts';
import { parseLsn } from '../../../lib/pg/lsn.ts';
import { captured, fixture } from './fixture.ts';

test('parsePostmasterPid() reads the captured lock file', () => {
  const p = parsePostmasterPid(fixture('postmaster.pid'));
  assert.ok(p.pid > 1);
  assert.match(p.dataDir, /^\/tmp\/pgbeat-pg-node1-.*\/data$/);
  assert.ok((p.port ?? 0) > 1024);
  assert.match(p.socketDir ?? '', /\/sock$/);
  assert.equal(p.listenAddress, '');
  assert.equal(p.status, 'ready');
  assert.ok((p.startTime ?? 0) > 1_600_000_000);
});

test('parsePostmasterPid() handles a single-user backend and a truncated file', () => {
  assert.equal(parsePostmasterPid('-4242\n/data\n').pid, 4242);
  assert.deepEqual(parsePostmasterPid('17\n'), { pid: 17, dataDir: '', startTime: undefined, port: undefined, socketDir: undefined, listenAddress: undefined, status: undefined });
  assert.throws(() => parsePostmasterPid(''), /first line '' is not a PID/);
});

test('parseRewindOutput() reads the captured dry run', () => {
  const o = parseRewindOutput(fixture('pg_rewind-dry-run.txt'));
  assert.deepEqual(o.divergedAt, { lsn: parseLsn(captured().forkLsn), timeline: 1 });
  assert.equal(o.done, true);
  assert.equal(o.noRewindRequired, false);
  assert.deepEqual(o.errors, []);
});

test('parseRewindOutput() reads failures and the no-rewind case', () => {
  const failed = parseRewindOutput('pg_rewind: connected to server\npg_rewind: servers diverged at WAL location 0/3028708 on timeline 1\npg_rewind: error: could not open file "x": No such file or directory\npg_rewind: error: could not find previous WAL record at 0/2000100\n');
  assert.deepEqual(failed.errors, ['could not open file "x": No such file or directory', 'could not find previous WAL record at 0/2000100']);
  assert.equal(failed.done, false);
  const none = parseRewindOutput('pg_rewind: source and target cluster are on the same timeline\npg_rewind: no rewind required\n');
  assert.equal(none.noRewindRequired, true);
  assert.equal(none.divergedAt, undefined);
});
