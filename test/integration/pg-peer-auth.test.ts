// Debian's default pg_hba uses peer authentication on the socket: the agent runs as root and still
// reaches its instance as system_user, because it connects with that user's effective ids.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath, callAgent } from '../helpers/agent.ts';
import { cleanupAllPg, createPrimary, waitFor, type PgInstance } from '../helpers/pg.ts';

const AGENT = agentPath('postgresql');
let p: PgInstance;

before(async () => {
  assert.ok(existsSync(AGENT), `${AGENT} is missing: run npm run build first`);
  p = await createPrimary({ name: 'peer' });
  writeFileSync(join(p.dataDir, 'pg_hba.conf'), 'local all all peer\nlocal replication all peer\n');
  await p.sql('SELECT pg_reload_conf()');
  await waitFor('peer authentication in force', async () =>
    (await p.sql("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'peer'")) === '2');
});

after(async () => cleanupAllPg());

it('monitor as root reaches the instance through peer authentication and reports the primary', () => {
  const r = callAgent(AGENT, 'monitor', {
    pgdata: p.dataDir, pghost: p.socketDir, pgport: String(p.port), mode: 'promotable',
    primary_host: p.socketDir, sync_mode: 'off', CRM_meta_interval: '15000',
  });
  assert.equal(r.code, 8, r.stderr);
});
