// The agent-independent instance layer (lib/pg/io/instance.ts) on a real server: binaries found from
// PG_VERSION, the local session as the system user, the control file, configured values, pg_ctl.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { pgInstance, type PgInstance as Instance } from '../../lib/pg/io/instance.ts';
import { cleanupAllPg, createPrimary, PG_BINDIR, PG_USER, type PgInstance } from '../helpers/pg.ts';

let pg: PgInstance;
let inst: Instance;

before(async () => {
  pg = await createPrimary({ name: 'inst', settings: { work_mem: "'8MB'" } });
  inst = await pgInstance({ pgdata: pg.dataDir, systemUser: PG_USER, host: pg.socketDir, port: pg.port, serverOptions: ['-cwork_mem=6MB'] });
});

after(cleanupAllPg);

it('finds the binaries of the data directory\'s major version and sees the server run', async () => {
  assert.equal(inst.tools.bindir, PG_BINDIR);
  assert.equal(inst.running(), true);
  assert.equal((await inst.controlData(10_000)).state, 'in production');
});

it('opens a session as the system user over the socket', async () => {
  const s = await inst.session();
  try {
    assert.deepEqual(await s.query('SELECT current_user AS u'), [{ u: PG_USER }]);
  } finally {
    await s.close();
  }
});

it('takes the system user\'s ids for the connect() alone: whatever else runs meanwhile stays root', async () => {
  // Under the user's ids, another task of the process (a module loaded, a report written) would fail
  // where that user cannot read, or leave files the user owns.
  const seen: number[] = [];
  const sample = setInterval(() => seen.push(process.geteuid!()), 0);
  try {
    for (let i = 0; i < 5; i++) await (await inst.session()).close();
  } finally {
    clearInterval(sample);
  }
  assert.ok(seen.length > 0, 'the sampler ran while the sessions opened');
  assert.deepEqual([...new Set(seen)], [0]);
});

it('reads what the server would start with, server options included', async () => {
  assert.equal(await inst.configured('wal_log_hints', 10_000), 'on');
  assert.equal(await inst.configured('work_mem', 10_000), '6144', 'a -c option given at start wins over postgresql.conf (postgres -C prints kB)');
});

it('stops through its pg_ctl', async () => {
  const out = await inst.ctl.stop({ deadlineMs: 30_000 });
  assert.deepEqual([out.stopped, out.how], [true, 'fast']);
  assert.equal(inst.running(), false);
});
