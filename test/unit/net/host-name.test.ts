import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNameProblem, hostOrSocketProblem } from '../../../lib/net/host-name.ts';

const cases: [string, RegExp | undefined][] = [
  ['192.0.2.10', undefined],
  ['2001:db8::1', undefined],
  ['db1', undefined],
  ['db-1.example.org', undefined],
  ['db-1.example.org.', undefined],
  ['node_2', undefined],
  ['192.0.2.10 ', /white space/],
  ['192.0.2.1 192.0.2.2', /white space/],
  ['db 1', /white space/],
  ['', /empty/],
  ['db..example', /empty label/],
  ['-db', /not a host name label/],
  ['db,db2', /not a host name label/],
  ['db:5432', /not a host name label/],
  ['300.1.2.3', /looks like an IPv4 address/],
  [`${'a'.repeat(64)}.org`, /not a host name label/],
  [`${'a.'.repeat(127)}org`, /longer than 253/],
];

test('hostNameProblem() accepts addresses and DNS names only (table)', () => {
  for (const [text, want] of cases) {
    const got = hostNameProblem(text);
    if (want === undefined) assert.equal(got, undefined, text);
    else assert.match(got ?? '', want, text);
  }
});

test('hostOrSocketProblem() also accepts an absolute socket directory (table)', () => {
  const rows: [string, boolean][] = [
    ['/var/run/postgresql', true], ['/tmp/my sock', false], ['192.0.2.10', true], ['relative/dir', false], ['db 1', false],
  ];
  for (const [text, ok] of rows) assert.equal(hostOrSocketProblem(text) === undefined, ok, text);
});
