// `pgbeat standby|takeover <group>`: all or the only group moves the service; one group of several
// or an unknown group is refused with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupRequest } from '../../../../lib/manager/admin/group-request.ts';

const ONE = [{ key: 'IPaddr::192.0.2.10' }];
const TWO = [{ key: 'ocf:pgbeat:postgresql::pgdata=/d' }, { key: 'IPaddr::192.0.2.10' }];

test('a group request moves the whole service, or is refused with the reason in one line', () => {
  const cases: { name: string; command: 'standby' | 'takeover'; group: string; groups: { key: string }[]; want: 'move' | RegExp }[] = [
    { name: 'all', command: 'standby', group: 'all', groups: TWO, want: 'move' },
    { name: 'the only group', command: 'standby', group: 'IPaddr::192.0.2.10', groups: ONE, want: 'move' },
    { name: 'one group of two', command: 'standby', group: 'IPaddr::192.0.2.10', groups: TWO, want: /^Cannot standby group 'IPaddr::192\.0\.2\.10' alone: pgbeat moves all 2 groups together .*use `pgbeat standby all`\.$/ },
    { name: 'takeover of one group of two', command: 'takeover', group: 'ocf:pgbeat:postgresql::pgdata=/d', groups: TWO, want: /^Cannot takeover group .* use `pgbeat takeover all`\.$/ },
    { name: 'unknown group', command: 'standby', group: 'web', groups: TWO, want: /^No group 'web' in haresources; its groups: 'ocf:pgbeat:postgresql::pgdata=\/d', 'IPaddr::192\.0\.2\.10' \(or all\)\.$/ },
    { name: 'unknown group, none configured', command: 'takeover', group: 'web', groups: [], want: /its groups: none \(or all\)/ },
  ];
  for (const c of cases) {
    const r = groupRequest(c.command, c.group, c.groups);
    if (c.want === 'move') assert.deepEqual(r, { kind: 'move' }, c.name);
    else {
      assert.equal(r.kind, 'refuse', c.name);
      assert.match(r.kind === 'refuse' ? r.sentence : '', c.want, c.name);
      assert.doesNotMatch(r.kind === 'refuse' ? r.sentence : '', /\n/, `${c.name}: one line`);
    }
  }
});
