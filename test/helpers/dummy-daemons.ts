// Real `pgbeat start` daemons (and `pgbeat witness`) with no database: one configuration directory
// per node under a test's temporary directory, the only group a v1 resource script whose "running"
// is a marker file, and a launcher that runs the built command in a namespace and keeps what each
// process prints. The daemon tests (media, replay, serial, admin tools) share it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './agent.ts';

export const PGBEAT = join(ROOT, 'dist', 'bin', 'pgbeat');

export interface DummyDaemons {
  /** The configuration directory of node (or 'witness'). */
  conf(name: string): string;
  /** The file that exists while node's dummy resource runs. */
  marker(node: string): string;
  /** `pgbeat ARGS` in namespace ns; its output lines are kept in logs as "name: line". */
  launch(ns: string, name: string, args: readonly string[]): ChildProcess;
  logs: string[];
  /** SIGKILL every process launched that is still running (by its own handle). */
  killAll(): void;
}

export const dummyDaemons = (dir: string, opts: { hacf: string | ((name: string) => string); secret: string; nodes: readonly string[]; witness?: boolean }): DummyDaemons => {
  const conf = (name: string): string => join(dir, name);
  const marker = (node: string): string => join(dir, `${node}.running`);
  for (const n of [...opts.nodes, ...(opts.witness === false ? [] : ['witness'])]) {
    const d = conf(n);
    mkdirSync(join(d, 'resource.d'), { recursive: true });
    writeFileSync(join(d, 'ha.cf'), typeof opts.hacf === 'string' ? opts.hacf : opts.hacf(n));
    writeFileSync(join(d, 'haresources'), `${opts.nodes[0]} dummyres\n`);
    writeFileSync(join(d, 'authkeys'), `auth 1\n1 sha256 ${opts.secret}\n`);
    chmodSync(join(d, 'authkeys'), 0o600);
    if (n === 'witness') continue;
    writeFileSync(join(d, 'nodeinfo'), `${n}\n`);
    const f = marker(n);
    const script = join(d, 'resource.d', 'dummyres');
    writeFileSync(script, `#!/bin/sh\ncase "$1" in\n start) touch ${f} ;;\n stop) rm -f ${f} ;;\n status) if [ -f ${f} ]; then echo running; else echo stopped; fi ;;\nesac\nexit 0\n`);
    chmodSync(script, 0o755);
  }
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  const launch = (ns: string, name: string, args: readonly string[]): ChildProcess => {
    const p = spawn('ip', ['netns', 'exec', ns, process.execPath, PGBEAT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer): void => { for (const l of d.toString().split('\n')) if (l) logs.push(`${name}: ${l}`); };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    procs.push(p);
    return p;
  };
  const killAll = (): void => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  };
  return { conf, marker, launch, logs, killAll };
};
