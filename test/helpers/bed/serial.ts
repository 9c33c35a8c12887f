// The serial line between castor and pollux: a socat pty pair started on the host. Each end's
// symlink (to /dev/pts/N) lives in a per-node host directory that the node's boot bind-mounts at
// SERIAL_DIR, so inside each node the line is SERIAL_DEVICE. Killing socat (by its PID) removes the
// line; starting it again makes a new pair behind the same paths.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../lab-node.ts';
import { processStartTime, sameProcess, type Ledger } from './ledger.ts';
import type { NodeName } from './topology.ts';

/** Where a node sees its end of the line (a directory bind-mounted into the node's private /run). */
export const SERIAL_DIR = '/run/pgbeat-serial';
/** The serial device inside each node. */
export const SERIAL_DEVICE = `${SERIAL_DIR}/ttyPGB0`;

/** The serial line: host directories holding each end's symlink, and the running socat. */
export interface SerialLine {
  /** Host directory bound at SERIAL_DIR in each node. */
  dirs: Record<NodeName, string>;
  /** PID of the running socat, undefined while the line is removed. */
  pid(): number | undefined;
  /** Starts socat (no-op when it runs) and waits up to 5 s for both ends. */
  up(): Promise<void>;
  /** Ends socat by PID (SIGTERM, then SIGKILL) and waits up to 5 s for it. */
  down(): Promise<void>;
}

/**
 * Prepares the line under `base` (a bed temp dir) and records socat in `ledger` when started;
 * `running` is a socat started by another process (the lab's `up`) to take over.
 */
export const makeSerialLine = (base: string, ledger: Ledger, running?: { pid: number; startTime: string }): SerialLine => {
  const dirs = { castor: join(base, 'serial-castor'), pollux: join(base, 'serial-pollux') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o755 });
  const ends = Object.values(dirs).map((d) => join(d, 'ttyPGB0'));
  // exited is absent for a socat this process did not start (it is polled for instead).
  let current: { pid: number; startTime: string; exited?: Promise<void> } | undefined = running && { ...running };
  const isRunning = (): boolean => current !== undefined && sameProcess(current.pid, current.startTime);
  return {
    dirs,
    pid: () => (isRunning() ? current!.pid : undefined),
    up: async () => {
      if (isRunning()) return;
      for (const e of ends) rmSync(e, { force: true });
      const child = spawn('socat', ends.map((e) => `pty,raw,echo=0,link=${e}`), { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      if (child.pid === undefined) throw new Error('socat did not start');
      current = { pid: child.pid, startTime: processStartTime(child.pid), exited };
      ledger.addProcess(child.pid, 'socat (serial line)');
      const ready = await waitUntil(() => ends.every((e) => existsSync(e)), { timeoutMs: 5_000, stepMs: 20 });
      if (!ready) throw new Error(`socat (pid ${child.pid}) made no pty pair at ${ends.join(' and ')}`);
    },
    down: async () => {
      if (!current) return;
      const { pid, startTime, exited } = current;
      // SIGTERM lets socat remove its symlinks; SIGKILL after 2 s.
      for (const [signal, ms] of [['SIGTERM', 2_000], ['SIGKILL', 3_000]] as const) {
        if (!sameProcess(pid, startTime)) break;
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
        if (exited) await Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
        else await waitUntil(() => !sameProcess(pid, startTime), { timeoutMs: ms, stepMs: 20 });
      }
      for (const e of ends) rmSync(e, { force: true });
      ledger.remove((e) => e.kind === 'process' && e.pid === pid);
      current = undefined;
    },
  };
};
