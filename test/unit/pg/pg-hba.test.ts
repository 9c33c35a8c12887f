import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReplicationAccess, hbaFields, parsePgHba, type HbaSource } from '../../../lib/pg/pg-hba.ts';
import { fixture } from './fixture.ts';

test('parsePgHba() reads the file initdb wrote', () => {
  const hba = parsePgHba(fixture('pg_hba-initdb.conf'));
  assert.equal(hba.rules.length, 6);
  const repl = hba.rules.filter((r) => r.databases.some((d) => d.text === 'replication'));
  assert.deepEqual(repl.map((r) => [r.type, r.address ?? '', r.method]), [['local', '', 'trust'], ['host', '127.0.0.1/32', 'trust'], ['host', '::1/128', 'trust']]);
  assert.equal(hba.unsupported.length, 0);
});

test('hbaFields() splits fields, comma lists and quoted tokens', () => {
  const cases: [string, [string, boolean][][]][] = [
    ['host all all 10.0.0.0/8 md5', [[['host', false]], [['all', false]], [['all', false]], [['10.0.0.0/8', false]], [['md5', false]]]],
    ['host db1,db2 "all" 1.2.3.4/32 trust # c', [[['host', false]], [['db1', false], ['db2', false]], [['all', true]], [['1.2.3.4/32', false]], [['trust', false]]]],
    ['local "my ""db""" u1, u2 peer', [[['local', false]], [['my "db"', true]], [['u1', false], ['u2', false]], [['peer', false]]]],
    ['   # only a comment', []],
  ];
  for (const [line, want] of cases) assert.deepEqual(hbaFields(line).map((f) => f.map((t) => [t.text, t.quoted])), want, line);
});

test('parsePgHba() reads masks, options and reports what it does not follow', () => {
  const hba = parsePgHba('host replication rep 192.0.2.0 255.255.255.0 scram-sha-256\nhostssl all all all cert clientcert=verify-full\ninclude_dir conf.d\nhost @dbs all all trust\n');
  assert.equal(hba.rules[0]!.mask, '255.255.255.0');
  assert.equal(hba.rules[0]!.method, 'scram-sha-256');
  assert.deepEqual(hba.rules[1]!.options, ['clientcert=verify-full']);
  assert.deepEqual(hba.unsupported.map((u) => [u.line, u.why]), [[3, "'include_dir' directives are not followed"], [4, '@file inclusions are not followed']]);
});

test('parsePgHba() names file and line of a malformed record', () => {
  const cases: [string, RegExp][] = [
    ['hots all all 1.2.3.4/32 trust', /pg_hba\.conf:1: invalid connection type 'hots'/],
    ['local all', /pg_hba\.conf:1: expected database and user fields/],
    ['local all all', /pg_hba\.conf:1: missing authentication method/],
    ['# ok\nhost all all', /pg_hba\.conf:2: missing address for 'host'/],
  ];
  for (const [text, want] of cases) assert.throws(() => parsePgHba(text), (e: Error) => e instanceof SyntaxError && want.test(e.message), text);
});

test('checkReplicationAccess() (table): first match wins, `all` does not cover replication', () => {
  const hba = parsePgHba(
    [
      'local   replication  postgres                    peer',
      'host    all          all         0.0.0.0/0       scram-sha-256',
      'host    replication  blocked     10.0.0.0/8      reject',
      'host    "replication" rep        10.0.0.0/8      trust',
      'hostssl replication  rep         10.1.0.0/16     cert',
      'host    replication  rep,other   10.0.0.0/8      scram-sha-256',
      'host    replication  +replicators 172.16.0.0/12  md5',
      'host    replication  all         192.168.1.0 255.255.255.0 md5',
      'host    replication  rep         fe80::/10       md5',
      'host    replication  rep         samenet         md5',
    ].join('\n'),
  );
  const cases: [string, string, HbaSource, string, number | undefined, RegExp][] = [
    ['local superuser', 'postgres', { local: true }, 'allowed', 1, /pg_hba\.conf:1 .* allows \(peer\) replication for user postgres from the local socket/],
    ['local other user', 'rep', { local: true }, 'no-entry', undefined, /no replication entry in pg_hba\.conf matches user rep from the local socket/],
    ['rejected user', 'blocked', { address: '10.2.3.4' }, 'rejected', 3, /rejects replication for user blocked/],
    ['quoted "replication" is a database name', 'rep', { address: '10.2.3.4' }, 'allowed', 6, /pg_hba\.conf:6/],
    ['hostssl needs ssl', 'rep', { address: '10.1.2.3', ssl: true }, 'allowed', 5, /allows \(cert\).* over SSL/],
    ['comma list of users', 'other', { address: '10.9.9.9' }, 'allowed', 6, /allows \(scram-sha-256\)/],
    ['dotted mask', 'anyone', { address: '192.168.1.77' }, 'allowed', 8, /allows \(md5\)/],
    ['outside the mask', 'anyone', { address: '192.168.2.77' }, 'no-entry', undefined, /no replication entry/],
    ['ipv6', 'rep', { address: 'fe80::1' }, 'allowed', 9, /:9 /],
    ['group and samenet are undecided', 'rep', { address: '172.16.0.5' }, 'no-entry', undefined, /no replication entry .*\(lines 7, 10 might match: group/],
  ];
  for (const [name, user, src, verdict, line, reason] of cases) {
    const got = checkReplicationAccess(hba, user, src);
    assert.equal(got.verdict, verdict, name);
    assert.equal(got.rule?.line, line, name);
    assert.match(got.reason, reason, name);
  }
});

test('checkReplicationAccess() names undecided lines that come before the match', () => {
  const hba = parsePgHba('host replication +admins samehost reject\nhost replication rep 10.0.0.0/8 md5\n');
  const got = checkReplicationAccess(hba, 'rep', { address: '10.0.0.5' });
  assert.equal(got.verdict, 'allowed');
  assert.deepEqual(got.undecided.map((r) => r.line), [1]);
  assert.match(got.reason, /:2 .* allows \(md5\) .*\(lines 1 might match first: group/);
});

test('checkReplicationAccess() on the initdb file: local and loopback only', () => {
  const hba = parsePgHba(fixture('pg_hba-initdb.conf'), '/srv/pg/pg_hba.conf');
  assert.equal(checkReplicationAccess(hba, 'replicator', { local: true }).verdict, 'allowed');
  assert.equal(checkReplicationAccess(hba, 'replicator', { address: '127.0.0.1' }).verdict, 'allowed');
  assert.equal(checkReplicationAccess(hba, 'replicator', { address: '::1' }).verdict, 'allowed');
  const remote = checkReplicationAccess(hba, 'replicator', { address: '192.0.2.11' });
  assert.equal(remote.verdict, 'no-entry');
  assert.equal(remote.reason, 'no replication entry in /srv/pg/pg_hba.conf matches user replicator from 192.0.2.11');
});
