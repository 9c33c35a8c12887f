import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitServerOptions } from '../../../lib/pg/server-options.ts';

const cases: [string, string[]][] = [
  ['', []],
  ['  ', []],
  ['-c config_file=/etc/postgresql/15/main/postgresql.conf', ['-c', 'config_file=/etc/postgresql/15/main/postgresql.conf']],
  ["-c  work_mem=4MB\t-c 'cluster_name=a b'", ['-c', 'work_mem=4MB', '-c', 'cluster_name=a b']],
  ['-c "x=\'y\'"', ['-c', "x='y'"]],
  ["''", ['']],
];

test('splitServerOptions() splits at white space outside quotes (table)', () => {
  for (const [text, want] of cases) assert.deepEqual(splitServerOptions(text), want, text);
});
