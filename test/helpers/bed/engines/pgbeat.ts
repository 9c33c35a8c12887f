// pgbeat as a bed engine (placeholder until `pgbeat start` and `pgbeat witness` land): each node
// boots with `pgbeat start --config-dir DIR` (DIR written by pgbeat-config.ts, checked first with
// `pgbeat check-config`), the witness host runs `pgbeat witness --config-dir DIR`, and a switchover
// is `pgbeat standby`. up() says plainly when the build has no `start` command yet.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../agent.ts';
import { waitUntil } from '../../lab-node.ts';
import type { BedBase, Engine } from '../engine.ts';
import { processStartTime } from '../ledger.ts';
import { makeBootedNode } from '../node-boot.ts';
import { LAB_DIR, SOCKET_DIR, type BedNode } from '../node.ts';
import { SERIAL_DIR } from '../serial.ts';
import { inRecovery } from '../sql.ts';
import { NODE_NAMES, type NodeName } from '../topology.ts';
import { pgbeatConfig, type PgbeatConfigOptions } from './pgbeat-config.ts';

/**
 * The pgbeat CLI the nodes run: this checkout's build (with its serialport binding in
 * dist/prebuilds), else the installed one.
 */
export const pgbeatBin = (): string => {
  const built = join(ROOT, 'dist', 'bin', 'pgbeat');
  return existsSync(built) ? built : '/usr/local/bin/pgbeat';
};

/** Writes the configuration of `host` into `dir` (authkeys mode 0600, as pgbeat demands). */
export const writePgbeatConfig = (dir: string, host: NodeName | 'witness', o: PgbeatConfigOptions = {}): void => {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const files = pgbeatConfig(host, o);
  for (const [name, text] of Object.entries(files)) {
    if (name === 'nodeinfo' && text === '') continue;
    writeFileSync(join(dir, name), text, { mode: name === 'authkeys' ? 0o600 : 0o644 });
    if (name === 'authkeys') chmodSync(join(dir, name), 0o600);
  }
};

/**
 * `pgbeat check-config --config-dir dir` in network namespace `ns` (it checks that the media's
 * interfaces exist there): status and output.
 */
export const checkPgbeatConfig = (dir: string, ns: string): { status: number | null; out: string } => {
  const r = spawnSync('ip', ['netns', 'exec', ns, pgbeatBin(), 'check-config', '--config-dir', dir], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

/** Whether this build's CLI has `command` (from its --help). */
export const pgbeatHas = (command: string): boolean =>
  new RegExp(`^\\s+pgbeat ${command}\\b`, 'm').test(spawnSync(pgbeatBin(), ['--help'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '');

/** The pgbeat engine. */
export const pgbeatEngine = (o: PgbeatConfigOptions = {}): Engine => {
  const syncMode = o.syncMode ?? 'strict';
  const dirs = (bed: BedBase, n: string): { config: string; state: string; log: string } =>
    ({ config: join(bed.base, `${n}-ha.d`), state: join(bed.base, `${n}-var-lib-pgbeat`), log: join(bed.base, `${n}-pgbeat.out`) });
  return {
    name: 'pgbeat',
    syncMode,
    makeNodes: (bed) => {
      const make = (name: NodeName): BedNode => {
        const d = dirs(bed, name);
        writePgbeatConfig(d.config, name, { ...o, syncMode });
        mkdirSync(d.state, { recursive: true, mode: 0o755 });
        return makeBootedNode({
          name, ns: bed.topology.ns[name],
          binds: [
            { source: bed.labDirs[name], target: LAB_DIR }, { source: bed.serial.dirs[name], target: SERIAL_DIR },
            // The generation file and anything else pgbeat keeps, per node.
            { source: d.state, target: '/var/lib/pgbeat' },
          ],
          runDirs: [{ path: SOCKET_DIR, owner: 'postgres:postgres', mode: '2775' }],
          daemon: [pgbeatBin(), 'start', '--config-dir', d.config],
          logFile: d.log,
        }, bed.ledger);
      };
      return { castor: make('castor'), pollux: make('pollux') };
    },
    up: async (bed, nodes) => {
      for (const n of NODE_NAMES) {
        const c = checkPgbeatConfig(dirs(bed, n).config, bed.topology.ns[n]);
        if (c.status !== 0) throw new Error(`pgbeat check-config refused ${n}'s configuration:\n${c.out}`);
      }
      if (!pgbeatHas('start')) throw new Error(`${pgbeatBin()} has no \`start\` command yet: the pgbeat engine needs the daemon (issue 8)`);
      if (o.witness ?? true) {
        if (!pgbeatHas('witness')) throw new Error(`${pgbeatBin()} has no \`witness\` command yet (issue 8)`);
        const wdir = join(bed.base, 'witness-ha.d');
        writePgbeatConfig(wdir, 'witness', { ...o, syncMode });
        const state = join(bed.base, 'witness-var-lib-pgbeat');
        mkdirSync(state, { recursive: true, mode: 0o755 });
        const errFd = openSync(join(bed.base, 'witness.out'), 'a');
        // Its own mount namespace: the witness keeps its state in /var/lib/pgbeat, here a bed directory
        // on a private tmpfs /var/lib (nothing of the host's /var/lib is touched). exec keeps one PID.
        const w = spawn('ip', ['netns', 'exec', bed.topology.ns.witness, 'unshare', '-m', '--propagation', 'private', 'sh', '-c',
          'mount -t tmpfs -o mode=755 tmpfs /var/lib && mkdir /var/lib/pgbeat && mount --bind "$1" /var/lib/pgbeat && exec "$2" witness --config-dir "$3"',
          'witness', state, pgbeatBin(), wdir], { stdio: ['ignore', errFd, errFd] });
        closeSync(errFd);
        if (w.pid === undefined) throw new Error('pgbeat witness did not start');
        bed.ledger.add({ kind: 'process', pid: w.pid, startTime: processStartTime(w.pid), what: 'pgbeat witness' });
      }
      await Promise.all(NODE_NAMES.map((n) => nodes[n].start()));
      const ok = await waitUntil(() => inRecovery(nodes.castor) === 'f', { timeoutMs: 60_000, stepMs: 250 });
      if (!ok) throw new Error(`castor did not take the group under pgbeat:\n${nodes.castor.logs(60)}`);
    },
    // pgbeat starts the standby itself: nothing to do but wait (the bed does).
    standby: async () => undefined,
    switchover: async (bed, nodes, from) => {
      const r = nodes[from].run([pgbeatBin(), 'standby', '--config-dir', dirs(bed, from).config], { timeoutMs: 60_000 });
      if (r.status !== 0) throw new Error(`pgbeat standby on ${from} failed (${r.status}): ${r.out}`);
    },
    logFiles: (bed) => ({ castor: dirs(bed, 'castor').log, pollux: dirs(bed, 'pollux').log, witness: join(bed.base, 'witness.out') }),
    diagnose: (nodes) => NODE_NAMES.map((n) => nodes[n].logs(40)).join('\n'),
  };
};
