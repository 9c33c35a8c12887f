// PostgreSQL for the two-node cluster tests (Pacemaker, heartbeat): one temp directory per node,
// shown at the same path inside each node's mount namespace; the first node's data directory an
// initdb'd primary stopped cleanly, with the replication role and the grants pg_rewind needs
// (README, "Rejoin"); the second node's empty, for the agent to clone. Run as postgres, never root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_BINDIR } from './pg.ts';

/** A command's outcome; `out` is stdout and stderr together. */
export interface LabRun {
  status: number | null;
  stdout: string;
  stderr: string;
  out: string;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** uid and gid of the postgres user. */
export const pgIds = (): { uid: number; gid: number } => ({
  uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
  gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
});

/** A PostgreSQL binary run as postgres (C locale, bounded), with optional standard input. */
export const asPostgres = (bin: string, args: string[], input?: string): LabRun => {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BINDIR, bin), ...args], {
    encoding: 'utf8', env: { PATH, LANG: 'C' }, timeout: 120_000, cwd: '/', input,
  });
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  return { status: r.status, stdout, stderr, out: `${stdout}${stderr}` };
};

/** What prepareLabPostgres needs. */
export interface LabPostgresOptions {
  /** Node names: the first gets the primary, the second an empty data directory. */
  nodes: readonly [string, string];
  /** unix_socket_directories inside the nodes. */
  socketDir: string;
  clusterName: string;
  /** The lab subnet pg_hba trusts, e.g. 192.0.2.0/24. */
  subnet: string;
  /** More postgresql.conf lines. */
  settings?: string[];
  /** More single-user statements (one per line) after the replication role and grants. */
  statements?: string[];
  /** Temp directories created, for the caller's cleanup. */
  temps: string[];
}

/** Prepares both nodes' directories (each holds data/); returns node name -> host directory. */
export const prepareLabPostgres = (o: LabPostgresOptions): Map<string, string> => {
  const ids = pgIds();
  const dirs = new Map<string, string>();
  for (const name of o.nodes) {
    const dir = mkdtempSync(join(tmpdir(), `pgbeat-lab-${name}-`));
    o.temps.push(dir);
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    chownSync(join(dir, 'data'), ids.uid, ids.gid);
    dirs.set(name, dir);
  }
  const data = join(dirs.get(o.nodes[0])!, 'data');
  const init = asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
  assert.equal(init.status, 0, init.out);
  // listen_addresses='*': the primary must also answer on the VIP, which arrives after it starts.
  appendFileSync(join(data, 'postgresql.conf'), [
    '', '# pgbeat cluster test',
    "listen_addresses = '*'", 'port = 5432', `unix_socket_directories = '${o.socketDir}'`, `cluster_name = '${o.clusterName}'`,
    'wal_level = replica', 'max_wal_senders = 10', 'max_replication_slots = 10', 'hot_standby = on', 'wal_log_hints = on',
    "wal_keep_size = '128MB'", "shared_buffers = '32MB'", 'logging_collector = off', ...(o.settings ?? []), '',
  ].join('\n'));
  appendFileSync(join(data, 'pg_hba.conf'), `\nhost replication all ${o.subnet} trust\nhost all all ${o.subnet} trust\n`);
  // Single-user mode: no socket, no port; each line is one statement. The grants let the replication
  // user run pg_rewind and ask for a checkpoint.
  const single = asPostgres('postgres', ['--single', '-D', data, 'postgres'], [
    'CREATE ROLE replicator WITH LOGIN REPLICATION',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO replicator',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO replicator',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO replicator',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO replicator',
    'GRANT pg_checkpoint TO replicator',
    ...(o.statements ?? []),
    '',
  ].join('\n'));
  assert.equal(single.status, 0, single.out);
  assert.doesNotMatch(single.out, /ERROR/, single.out);
  const cd = asPostgres('pg_controldata', [data]);
  assert.match(cd.stdout, /Database cluster state:\s+shut down$/m, cd.out);
  assert.deepEqual(readdirSync(join(dirs.get(o.nodes[1])!, 'data')), [], `${o.nodes[1]} starts from an empty data directory`);
  return dirs;
};
