import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyPrimaryOf } from '../../../lib/pg/standby-settings.ts';
import { parseConninfo, renderConninfo } from '../../../lib/pg/conninfo.ts';

const cases: { name: string; sources: { host: string; port: number }[]; want: Record<string, string> }[] = [
  { name: 'one peer', sources: [{ host: '192.0.2.11', port: 5432 }], want: { host: '192.0.2.11', port: '5432', target_session_attrs: 'read-write' } },
  {
    name: 'two peers with their own ports (libpq pairs the lists)',
    sources: [{ host: '192.0.2.11', port: 5432 }, { host: '/run/postgresql', port: 5433 }],
    want: { host: '192.0.2.11,/run/postgresql', port: '5432,5433', target_session_attrs: 'read-write' },
  },
  { name: 'an IPv6 peer', sources: [{ host: '2001:db8::11', port: 5432 }], want: { host: '2001:db8::11', port: '5432', target_session_attrs: 'read-write' } },
];
for (const c of cases) {
  test(`anyPrimaryOf: ${c.name}`, () => {
    const got = anyPrimaryOf(c.sources);
    assert.deepEqual(got, c.want);
    // It survives a conninfo round trip unquoted pieces and all.
    assert.deepEqual(parseConninfo(renderConninfo({ ...got, user: 'replicator' })), { ...c.want, user: 'replicator' });
  });
}
