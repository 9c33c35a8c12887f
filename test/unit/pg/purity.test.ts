// STYLE.md section 7: a file outside an io/ folder imports no I/O module, reads no process, sets no timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../../../lib/pg/', import.meta.url).pathname;

test('lib/pg modules outside io/ are pure', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    const imports = [...src.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
    for (const spec of imports) {
      // The domain it may use (net) and core (ocf, log): the allowed-imports table of architecture.test.ts.
      assert.ok(['./', '../net/', '../ocf/', '../log/'].some((ok) => spec.startsWith(ok)), `${f} imports '${spec}'`);
      assert.ok(!spec.includes('/io/'), `${f} imports the adapter '${spec}'`);
    }
    assert.doesNotMatch(src, /\bprocess\.[a-z]|\bsetTimeout\(|\bsetInterval\(|\bDate\.now\(|\bawait import\(/, f);
  }
});
