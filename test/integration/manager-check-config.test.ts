// `pgbeat check-config` on the built executable: every problem as file:line, a non-zero exit on errors,
// and authkeys refused when group or others can read it (0644), accepted at 0600.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent.ts';

const PGBEAT = join(ROOT, 'dist', 'bin', 'pgbeat');
const dir = mkdtempSync(join(tmpdir(), 'pgbeat-conf-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const self = hostname().toLowerCase();
const HACF = `# lab\nkeepalive 100ms\ndeadtime 500ms\nudpport 6940\nbcast lo\nserial /dev/ttyS0\nnode ${self} node1\nauto_failback off\n`;
writeFileSync(join(dir, 'ha.cf'), HACF);
copyFileSync(join(ROOT, 'haresources.example'), join(dir, 'haresources'));
// The example's resource, as install.sh puts it in resource.d (a stub: check-config only looks for it).
mkdirSync(join(dir, 'resource.d'));
writeFileSync(join(dir, 'resource.d', 'pgbeat-IPaddr'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha256 lab-secret\n');
const check = () => spawnSync(PGBEAT, ['check-config', '--config-dir', dir], { encoding: 'utf8', timeout: 20_000 });

test('check-config refuses an authkeys file readable by others (0644) and accepts it at 0600', () => {
  chmodSync(join(dir, 'authkeys'), 0o644);
  const refused = check();
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, new RegExp(`^${join(dir, 'authkeys')}: readable by group or others \\(mode 0644\\)`, 'm'));
  chmodSync(join(dir, 'authkeys'), 0o600);
  const ok = check();
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`configuration OK for node ${self}`));
});

test('check-config prints every problem as file:line and exits 1', () => {
  writeFileSync(join(dir, 'ha.cf'), `${HACF}crm on\nkeepalive 2s\nuse_logd yes\n`);
  const r = check();
  assert.equal(r.status, 1);
  const f = join(dir, 'ha.cf');
  assert.match(r.stdout, new RegExp(`^${f}:9: "crm on" hands resources to Pacemaker`, 'm'));
  assert.match(r.stdout, new RegExp(`^${f}:10: keepalive "2s" is not a time`, 'm'));
  assert.match(r.stdout, new RegExp(`^${f}:11: notice: use_logd is ignored`, 'm'));
  assert.equal(r.stderr, '');
});

test('check-config reports a resource whose script or agent this node lacks, at its haresources line', () => {
  writeFileSync(join(dir, 'ha.cf'), HACF);
  writeFileSync(join(dir, 'haresources'), 'node1 pgbeat-IPaddr::192.0.2.10/24/lo \\\n  nosuch-script::x\n# second group\nnode1 ocf:pgbeat:nosuchagent::a=1\n');
  const r = check();
  copyFileSync(join(ROOT, 'haresources.example'), join(dir, 'haresources'));
  assert.equal(r.status, 1, r.stdout);
  const f = join(dir, 'haresources');
  assert.match(r.stdout, new RegExp(`^${f}:1: resource nosuch-script::x: no executable nosuch-script in ${join(dir, 'resource.d')} or /etc/init.d$`, 'm'));
  assert.match(r.stdout, new RegExp(`^${f}:4: resource ocf:pgbeat:nosuchagent::a=1: /usr/lib/ocf/resource.d/pgbeat/nosuchagent is not an executable OCF agent$`, 'm'));
  assert.doesNotMatch(r.stdout, /pgbeat-IPaddr::/);
});

test('check-config refuses a medium on an interface this node does not have', () => {
  writeFileSync(join(dir, 'ha.cf'), HACF.replace('bcast lo', 'bcast pgbnone0'));
  const r = check();
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`^${join(dir, 'ha.cf')}:5: bcast: this node has no interface pgbnone0$`, 'm'));
});
