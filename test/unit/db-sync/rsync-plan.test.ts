import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_BACKUP_EXCLUDES, dataArgs, mtimeCutoff, neededWalPieces, parseRsyncReceived, rsyncExitMeaning, rsyncFailureMeaning, rsyncSourceUrl, type RsyncTransport } from '../../../lib/db-sync/rsync-plan.ts';
import { parseBackupLabel } from '../../../lib/pg/backup-label.ts';

const daemon: RsyncTransport = { kind: 'daemon', host: '192.0.2.1', port: 8873, module: 'pgdata', user: 'sync', passwordFile: '/etc/db_sync.pass' };
const ssh: RsyncTransport = { kind: 'ssh', host: 'pg1', path: '/var/lib/postgresql/15/main/', command: 'ssh -o BatchMode=yes' };
const MiB16 = 16n * 1024n * 1024n;

test('rsyncSourceUrl: the daemon protocol (host::module as a URL with the port) and ssh paths', () => {
  assert.equal(rsyncSourceUrl(daemon, ''), 'rsync://sync@192.0.2.1:8873/pgdata/');
  assert.equal(rsyncSourceUrl({ ...daemon, user: undefined, host: '2001:db8::1' }, 'pg_wal'), 'rsync://[2001:db8::1]:8873/pgdata/pg_wal/');
  assert.equal(rsyncSourceUrl(ssh, ''), 'pg1:/var/lib/postgresql/15/main/');
});

test('dataArgs: excludes what a base backup leaves out, links to the previous copy, carries the secret file', () => {
  const args = dataArgs(daemon, '/srv/main.db_sync-new/', '/srv/main', { progress: false, bwlimitKiB: 0 });
  for (const e of ['/pg_wal', '/postmaster.pid', '/postmaster.opts', '/pg_replslot/*', '/pg_stat_tmp/*', '/pg_subtrans/*', 'pgsql_tmp*', 'pg_internal.init']) {
    assert.ok(args.includes(`--exclude=${e}`), `excludes ${e}`);
  }
  assert.equal(BASE_BACKUP_EXCLUDES.filter((e) => e.startsWith('/pg_') && e.endsWith('/*')).length, 7, 'the seven directories kept empty');
  assert.ok(args.includes('--link-dest=/srv/main'));
  assert.ok(args.includes('--password-file=/etc/db_sync.pass'));
  assert.deepEqual(args.slice(-2), ['rsync://sync@192.0.2.1:8873/pgdata/', '/srv/main.db_sync-new/']);
  assert.ok(args.includes('--block-size=8192') && !args.includes('--whole-file'), 'changed files move as changed 8 KiB blocks');
  const first = dataArgs(ssh, '/srv/new', undefined, { progress: true, bwlimitKiB: 4000 });
  assert.ok(!first.some((a) => a.startsWith('--link-dest')) && first.includes('--whole-file'), 'no previous copy: nothing to link to, whole files');
  assert.ok(first.includes('--info=progress2') && first.includes('--bwlimit=4000'));
  assert.deepEqual(first.slice(-4), ['-e', 'ssh -o BatchMode=yes', 'pg1:/var/lib/postgresql/15/main/', '/srv/new/']);
});

test('parseBackupLabel reads the start position and timeline; a label without them is an error', () => {
  const label = 'START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\nCHECKPOINT LOCATION: 0/4000060\nBACKUP METHOD: streamed\nBACKUP FROM: primary\nSTART TIME: 2026-12-04 16:44:59 UTC\nLABEL: db_sync\nSTART TIMELINE: 1\n';
  assert.deepEqual(parseBackupLabel(label), { startLsn: 0x4000028n, timeline: 1 });
  assert.throws(() => parseBackupLabel('LABEL: x\n'), /no START WAL LOCATION line/);
  assert.throws(() => parseBackupLabel('START WAL LOCATION: 0/1 (file x)\n'), /no START TIMELINE line/);
});

test('parseRsyncReceived reads --stats; rsyncExitMeaning names the codes operators meet', () => {
  assert.equal(parseRsyncReceived('Total bytes sent: 77\nTotal bytes received: 1,234,567\n'), 1234567);
  assert.equal(parseRsyncReceived('nothing'), undefined);
  assert.match(rsyncExitMeaning(5)!, /refused us \(wrong module, user or password\)/);
  assert.match(rsyncExitMeaning(255)!, /the remote shell \(ssh\) failed/);
  assert.match(rsyncExitMeaning(10)!, /cannot connect/);
  assert.equal(rsyncExitMeaning(0), undefined);
  assert.equal(mtimeCutoff(1733300000.9), 1733299999);
});

test('rsyncFailureMeaning: ssh\'s own words and a full disk win over the exit code, which races between 12 and 255', () => {
  const rows: Array<[number, string, RegExp]> = [
    [12, 'postgres@127.0.0.1: Permission denied (publickey).\nrsync: connection unexpectedly closed', /remote shell \(ssh\) failed/],
    [255, 'postgres@127.0.0.1: Permission denied (publickey).', /remote shell \(ssh\) failed/],
    [12, 'Host key verification failed.', /remote shell \(ssh\) failed/],
    [12, 'ssh: connect to host 192.0.2.9 port 22: No route to host', /remote shell \(ssh\) failed/],
    [12, 'rsync: write failed on "x": No space left on device (28)', /target disk is full/],
    [12, 'rsync error: error in rsync protocol data stream (code 12)', /protocol stream broke/],
    [23, 'rsync: some files vanished', /some files could not be transferred/],
  ];
  for (const [code, stderr, want] of rows) assert.match(rsyncFailureMeaning(code, stderr) ?? '', want, `${code} ${stderr}`);
  assert.equal(rsyncFailureMeaning(0, ''), undefined);
});

test('neededWalPieces: the first page of each segment and the pages from start through the page before stop', () => {
  const K8 = 8192;
  assert.deepEqual(neededWalPieces(1, 0x4012028n, 0x4016000n, MiB16), [
    { name: '000000010000000000000004', offset: 0, length: K8 },
    { name: '000000010000000000000004', offset: 0x12000, length: 0x4000 },
  ], 'stop on a page boundary: that page is not needed (8 KiB pages)');
  assert.deepEqual(neededWalPieces(1, 0x4000028n, 0x4000100n, MiB16), [{ name: '000000010000000000000004', offset: 0, length: K8 }], 'all on the first page');
  assert.deepEqual(neededWalPieces(1, 0x4FFF028n, 0x5000100n, MiB16), [
    { name: '000000010000000000000004', offset: 0, length: K8 },
    { name: '000000010000000000000004', offset: 0xFFE000, length: K8 },
    { name: '000000010000000000000005', offset: 0, length: K8 },
  ], 'across a segment boundary');
});
