import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConninfo, quoteConninfoValue, redactConninfo, renderConninfo } from '../../../lib/pg/conninfo.ts';
import { slotNameFor, standbySettings } from '../../../lib/pg/standby-settings.ts';

test('renderConninfo() quotes values only when libpq needs it', () => {
  assert.equal(
    renderConninfo({ host: '192.0.2.10', port: 5432, user: 'replicator', application_name: 'node2', passfile: '/var/lib/postgresql/my pass', sslmode: 'prefer', dbname: undefined }),
    "host=192.0.2.10 port=5432 user=replicator application_name=node2 passfile='/var/lib/postgresql/my pass' sslmode=prefer",
  );
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['a=b', "'a=b'"],
  ];
  for (const [v, want] of cases) assert.equal(quoteConninfoValue(v), want, v);
  assert.throws(() => renderConninfo({ 'bad key': 'x' }), /invalid keyword 'bad key'/);
});

test('parseConninfo() reads back what renderConninfo() writes, and libpq\'s own forms', () => {
  const fields = { host: '/tmp/sock dir', port: '5433', user: "o'neil", application_name: 'node\\2', password: '' };
  assert.deepEqual(parseConninfo(renderConninfo(fields)), fields);
  assert.deepEqual(parseConninfo("  host = a   port=1 passfile='/x'  "), { host: 'a', port: '1', passfile: '/x' });
  assert.throws(() => parseConninfo("host='open"), /unterminated quoted value/);
  assert.throws(() => parseConninfo('host'), /expected keyword=value/);
});

test('redactConninfo() hides the password, quoted or not', () => {
  assert.equal(redactConninfo("host=a password='s3 cret' user=b"), 'host=a password=******** user=b');
  assert.equal(redactConninfo('host=a password=s3cret'), 'host=a password=********');
  assert.equal(redactConninfo("host='broken password=abc"), "host='broken password=********");
});

test('standbySettings() always follows the latest timeline and removes what is not given', () => {
  assert.deepEqual(standbySettings({ primaryConninfo: 'host=vip application_name=node2', slotName: 'node2' }), {
    primary_conninfo: 'host=vip application_name=node2',
    primary_slot_name: 'node2',
    restore_command: undefined,
    archive_cleanup_command: undefined,
    recovery_target_timeline: 'latest',
  });
  assert.equal(slotNameFor('Node-2.example'), 'node_2_example');
  assert.equal(slotNameFor('x'.repeat(80)).length, 63);
});
