// The pg_dump and pg_dumpall methods: each database dumped from the source (custom format, large objects
// included) and restored into the running target server with pg_restore --clean --if-exists in ONE
// transaction, so a failed restore leaves that database as it was. pg_dumpall first copies the globals
// (roles, tablespaces) and keeps owners and privileges; pg_dump alone restores without them.
import { chownSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure } from '../../exec/result.ts';
import { OCF_ERR_GENERIC } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import { connectPg } from '../../pg/io/client.ts';
import type { PgSession } from '../../pg/io/session.ts';
import { renderConninfo } from '../../pg/conninfo.ts';
import type { CopyJob, CopyOutcome } from '../copy.ts';
import { databaseList, decideDump, type DumpSourceFacts } from '../dump-direction.ts';
import { targetKey } from '../paths.ts';
import { runStreaming } from './stream-run.ts';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Opens a session to the target server; throws OcfError naming it when it cannot be reached. */
const connectTarget = async (job: CopyJob): Promise<PgSession> => {
  const { p } = job;
  try {
    return await connectPg({ host: p.target_host, port: p.target_port, user: p.target_user, connectTimeoutMs: 10_000, statementTimeoutMs: 120_000, applicationName: 'db_sync' });
  } catch (e) {
    throw new OcfError(OCF_ERR_GENERIC, `Cannot reach the target server: ${(e as Error).message}`);
  }
};

/** Runs the dump method of job.p.method with the source session the run opened. */
export const dumpCopy = async (job: CopyJob, source: PgSession, sourceFacts: DumpSourceFacts): Promise<CopyOutcome> => {
  const { p } = job;
  const targetName = `${p.target_host}:${p.target_port}`;
  const target = await connectTarget(job);
  const work = join(p.state_dir, `${targetKey(p.target_dir)}.dump`);
  try {
    const [t] = await target.query<{ sysid: string; rec: boolean }>('SELECT (SELECT system_identifier::text FROM pg_control_system()) AS sysid, pg_is_in_recovery() AS rec');
    const verdict = decideDump(sourceFacts, { name: targetName, systemId: String(t?.sysid), inRecovery: t?.rec === true });
    if (!verdict.go) throw new OcfError(OCF_ERR_GENERIC, verdict.reason);
    job.log.info(verdict.reason);
    const names = databaseList(p.databases);
    const dbs = names.length ? names : (await source.query<{ d: string }>('SELECT datname AS d FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname')).map((r) => r.d);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true, mode: 0o700 });
    chownSync(work, job.owner.uid, job.owner.gid);
    const src = (db: string): string => renderConninfo({ host: p.source_host, port: p.source_port, user: p.source_user, dbname: db, passfile: p.source_passfile || undefined, application_name: 'db_sync', connect_timeout: 10 });
    const tgt = (db: string): string => renderConninfo({ host: p.target_host, port: p.target_port, user: p.target_user, dbname: db, application_name: 'db_sync', connect_timeout: 10 });
    const tool = async (program: string, args: string[], what: string): Promise<string> => {
      const r = await runStreaming(join(p.bindir, program), args, { user: p.system_user, timeoutMs: job.timeoutMs, signal: job.signal });
      if (job.signal.aborted) throw new OcfError(OCF_ERR_GENERIC, 'The copy was aborted (stop or SIGTERM)');
      if (r.failed) throw new OcfError(OCF_ERR_GENERIC, `${what} failed: ${describeFailure(r)}`);
      return r.stderr;
    };
    let moved = 0;
    const keepOwners = p.method === 'pg_dumpall';
    if (keepOwners) {
      const globals = join(work, 'globals.sql');
      await tool('pg_dumpall', ['--globals-only', '-d', src('postgres'), '-f', globals], `pg_dumpall --globals-only from ${sourceFacts.name}`);
      moved += statSync(globals).size;
      // Roles that exist already (the superuser itself, always) fail CREATE and take the ALTER that follows.
      const stderr = await tool('psql', ['-X', '-q', '-d', tgt('postgres'), '-f', globals], `applying the roles and tablespaces to ${targetName}`);
      const errors = stderr.split('\n').filter((l) => /ERROR:/.test(l) && !/already exists/.test(l));
      if (errors.length) throw new OcfError(OCF_ERR_GENERIC, `Applying the roles and tablespaces to ${targetName} failed: ${errors[0]!.trim()}`);
    }
    for (const db of dbs) {
      const file = join(work, `${db}.dump`);
      await tool('pg_dump', ['-Fc', '-b', '-d', src(db), '-f', file], `pg_dump of ${db} from ${sourceFacts.name}`);
      moved += statSync(file).size;
      const exists = await target.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (exists.length === 0) await target.query(`CREATE DATABASE ${quoteIdent(db)} TEMPLATE template0`);
      const ownership = keepOwners ? [] : ['--no-owner', '--no-acl'];
      await tool('pg_restore', ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', ...ownership, '-d', tgt(db), file], `pg_restore of ${db} into ${targetName} (rolled back: the database is as it was)`);
      job.log.info(`restored ${db} (${statSync(file).size} bytes dumped)`);
    }
    return { bytesMoved: moved, detail: `${p.method}: ${dbs.length} databases (${dbs.join(', ')}), ${moved} bytes of dumps` };
  } finally {
    await target.close();
    rmSync(work, { recursive: true, force: true });
  }
};
