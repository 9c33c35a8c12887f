// The monitor's cheap probes against real servers: the lean connection (pg-protocol over a socket)
// gives the rows node-postgres gives, pipelines in order, reports server errors, and steps aside
// for node-postgres when the server wants a password; the control file's head read directly
// matches pg_controldata on a running primary, a standby, and a cleanly stopped instance.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectLean, PasswordRequired } from '../../lib/pg/io/lean-connection.ts';
import { readControlHead } from '../../lib/pg/io/controldata.ts';
import type { PgTarget } from '../../lib/pg/io/client.ts';
import { connectLocal } from '../../lib/pg/io/local-session.ts';
import { cleanupAllPg, createStreamingPair, PG_USER, type PgInstance } from '../helpers/pg.ts';

let primary: PgInstance;
let standby: PgInstance;

const target = (i: PgInstance, user = PG_USER): PgTarget => ({
  host: i.socketDir, port: i.port, user, connectTimeoutMs: 3_000, statementTimeoutMs: 5_000,
});

before(async () => {
  [primary, standby] = await createStreamingPair('lean-a', 'lean-b');
  await primary.sql("CREATE ROLE pwuser LOGIN PASSWORD 'secret-1'; CREATE TABLE lean_t (id int, note text, ok bool, f float8, big int8)");
  await primary.sql("INSERT INTO lean_t VALUES (1, 'one', true, 1.5, 9007199254740993), (2, NULL, false, NULL, NULL)");
});

after(async () => {
  await cleanupAllPg();
});

it('returns the same rows and value types as node-postgres, with and without parameters', async () => {
  const lean = await connectLean(target(primary));
  const full = await primary.connect();
  try {
    const sql = 'SELECT id, note, ok, f, big FROM lean_t ORDER BY id';
    assert.deepEqual(await lean.query(sql), await full.query(sql));
    const withParam = 'SELECT note FROM lean_t WHERE id = $1';
    assert.deepEqual(await lean.query(withParam, [1]), [{ note: 'one' }]);
    assert.deepEqual(await lean.query(withParam, [1]), await full.query(withParam, [1]));
    assert.equal(await lean.show('synchronous_commit'), await full.show('synchronous_commit'));
  } finally {
    await lean.close();
    await full.close();
  }
});

it('standing() agrees with the single-value queries on the primary and the standby', async () => {
  for (const inst of [primary, standby]) {
    const s = await connectLean(target(inst));
    try {
      const st = await s.standing();
      assert.equal(st.inRecovery, await s.isInRecovery(), inst.name);
      assert.equal(st.timeline, await s.timeline(), inst.name);
      if (st.inRecovery) {
        assert.equal(st.currentLsn, undefined);
        assert.ok(st.replayLsn !== undefined && st.replayLsn > 0n, 'a standby has replayed something');
      } else {
        assert.ok(st.currentLsn !== undefined && st.currentLsn <= (await s.currentLsn()), 'the WAL position only moves forward');
        assert.equal(st.receiveLsn, undefined);
      }
    } finally {
      await s.close();
    }
  }
});

it('pipelined queries answer in call order, and a failing one does not disturb the others', async () => {
  const s = await connectLean(target(primary));
  try {
    const answers = await Promise.allSettled([
      s.query('SELECT 1 AS n'),
      s.query('SELECT * FROM no_such_table'),
      s.query('SELECT $1::int + 1 AS n', [41]),
      s.query('SELECT pg_sleep(0.05), 3 AS n'),
    ]);
    assert.deepEqual(answers[0], { status: 'fulfilled', value: [{ n: 1 }] });
    assert.equal(answers[1].status, 'rejected');
    assert.match(String((answers[1] as PromiseRejectedResult).reason.message), /no_such_table/);
    assert.deepEqual(answers[2], { status: 'fulfilled', value: [{ n: 42 }] });
    assert.equal((answers[3] as PromiseFulfilledResult<Record<string, unknown>[]>).value[0]?.['n'], 3);
  } finally {
    await s.close();
  }
});

it('a server error at startup is reported with the server\'s words', async () => {
  await assert.rejects(connectLean(target(primary, 'no_such_role')), /Cannot connect to PostgreSQL at .* as no_such_role: .*role "no_such_role" does not exist/);
});

it('a statement past statement_timeout fails and the session stays usable', async () => {
  const s = await connectLean({ ...target(primary), statementTimeoutMs: 200 });
  try {
    await assert.rejects(s.query('SELECT pg_sleep(2)'), /statement timeout/);
    assert.deepEqual(await s.query('SELECT 7 AS n'), [{ n: 7 }]);
  } finally {
    await s.close();
  }
});

it('a server that asks for a password gets PasswordRequired, and the local session falls back to node-postgres', async () => {
  const hba = join(primary.dataDir, 'pg_hba.conf');
  const original = readFileSync(hba, 'utf8');
  writeFileSync(hba, `local all pwuser scram-sha-256\n${original}`);
  await primary.sql('SELECT pg_reload_conf()');
  const saved = process.env['PGPASSWORD'];
  try {
    await assert.rejects(connectLean(target(primary, 'pwuser')), (e: unknown) => e instanceof PasswordRequired && /asks for a password \(SASL\)/.test((e as Error).message));
    process.env['PGPASSWORD'] = 'secret-1';
    const s = await connectLocal(target(primary, 'pwuser'));
    try {
      assert.deepEqual(await s.query('SELECT current_user AS u'), [{ u: 'pwuser' }]);
    } finally {
      await s.close();
    }
  } finally {
    if (saved === undefined) delete process.env['PGPASSWORD'];
    else process.env['PGPASSWORD'] = saved;
    writeFileSync(hba, original);
    await primary.sql('SELECT pg_reload_conf()');
  }
});

it('the control file head read directly matches pg_controldata: running primary, standby, stopped', async () => {
  const compare = async (inst: PgInstance, what: string): Promise<void> => {
    await inst.sql('CHECKPOINT').catch(() => undefined);
    const full = await inst.controlData();
    const head = readControlHead(inst.dataDir);
    assert.ok(head, `${what}: the head decodes`);
    assert.equal(head.state, full.state, `${what}: state`);
    assert.equal(head.systemIdentifier, full.systemIdentifier, `${what}: system identifier`);
    assert.equal(head.pgControlVersion, full.pgControlVersion, `${what}: version`);
    assert.equal(head.checkpointLsn, full.checkpointLsn, `${what}: checkpoint`);
    assert.equal(head.redoLsn, full.redoLsn, `${what}: redo`);
    assert.equal(head.timeline, full.timeline, `${what}: timeline`);
  };
  await compare(primary, 'primary');
  await compare(standby, 'standby');
  await standby.stop('fast');
  await compare(standby, 'stopped standby');
  assert.equal(readControlHead(join(standby.baseDir, 'nowhere')), undefined, 'no control file: undefined');
});
