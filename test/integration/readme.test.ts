// The README's agent reference is generated from the built agents' meta-data; it must not drift.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent.ts';

it('README.md agent reference matches the meta-data of the built agents', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'agent-reference.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
