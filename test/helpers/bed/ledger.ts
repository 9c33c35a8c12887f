// What a bed created, in creation order, so down() removes exactly that and nothing else: network
// namespaces, processes we started (by PID, with their start time so a reused PID is never hit),
// temp directories, and undo commands (firewall rules, links set down). Kept as JSON in a state
// file after every change, so `npm run lab down` in another process can undo a bed it did not build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** One thing the bed made. */
export type LedgerEntry =
  | { kind: 'netns'; name: string }
  | { kind: 'process'; pid: number; startTime: string; what: string }
  | { kind: 'dir'; path: string }
  | { kind: 'undo'; argv: string[]; what: string };

/** The start time of `pid` (field 22 of /proc/PID/stat), or '' when it is gone. */
export const processStartTime = (pid: number): string => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
};

/** Whether `pid` is still the process recorded (same start time), not a reuse of its number. */
export const sameProcess = (pid: number, startTime: string): boolean => startTime !== '' && processStartTime(pid) === startTime;

/** The ledger of one bed, saved to `stateFile` (when given) after every change. */
export class Ledger {
  readonly entries: LedgerEntry[];
  /** What another process needs to re-attach to the bed (bed.ts's attachBed), saved with the entries. */
  readonly meta: Record<string, unknown>;

  constructor(readonly stateFile?: string, entries: LedgerEntry[] = [], meta: Record<string, unknown> = {}) {
    this.entries = entries;
    this.meta = meta;
  }

  /** Reads a ledger saved by another process (empty when the file is missing). */
  static load(stateFile: string): Ledger {
    const saved = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { entries: LedgerEntry[]; meta?: Record<string, unknown> }) : { entries: [] };
    return new Ledger(stateFile, saved.entries, saved.meta ?? {});
  }

  /** Records (or with undefined, forgets) one meta value and saves. */
  setMeta(key: string, value: unknown): void {
    if (value === undefined) delete this.meta[key];
    else this.meta[key] = value;
    this.save();
  }

  /** Records an entry and saves. */
  add(e: LedgerEntry): void {
    this.entries.push(e);
    this.save();
  }

  /** Records a process we started. */
  addProcess(pid: number, what: string): void {
    this.add({ kind: 'process', pid, startTime: processStartTime(pid), what });
  }

  /** Forgets one entry (it was undone by its owner). */
  remove(match: (e: LedgerEntry) => boolean): void {
    const i = this.entries.findIndex(match);
    if (i >= 0) this.entries.splice(i, 1);
    this.save();
  }

  private save(): void {
    // The state file may live in a directory the ledger itself removes: then there is nothing to keep.
    if (!this.stateFile || !existsSync(dirname(this.stateFile))) return;
    // Whole or not at all: another process may read it at any time.
    writeFileSync(`${this.stateFile}.new`, `${JSON.stringify({ entries: this.entries, meta: this.meta }, null, 1)}\n`);
    renameSync(`${this.stateFile}.new`, this.stateFile);
  }

  /**
   * Undoes everything, newest first: undo commands run, processes get SIGKILL (only when their start
   * time still matches) and are waited for up to 5 s each, namespaces and directories are deleted.
   * Safe to run twice; returns what could not be undone.
   */
  async undoAll(): Promise<string[]> {
    const failed: string[] = [];
    // Processes first (a namespace is only gone once nothing runs in it), then the rest newest first.
    for (const e of [...this.entries].reverse()) {
      if (e.kind !== 'process' || !sameProcess(e.pid, e.startTime)) continue;
      try {
        process.kill(e.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      for (let i = 0; i < 100 && sameProcess(e.pid, e.startTime) && !isZombie(e.pid); i++) await sleep(50);
      if (sameProcess(e.pid, e.startTime) && !isZombie(e.pid)) failed.push(`process ${e.pid} (${e.what}) still runs`);
    }
    for (const e of [...this.entries].reverse()) {
      if (e.kind === 'undo') spawnSync(e.argv[0]!, e.argv.slice(1), { timeout: 10_000, stdio: 'ignore' });
      else if (e.kind === 'netns') {
        if (nsExists(e.name) && spawnSync('ip', ['netns', 'del', e.name], { timeout: 10_000 }).status !== 0) failed.push(`netns ${e.name}`);
      } else if (e.kind === 'dir') {
        // The nodes' bind mounts live in their own mount namespaces, gone with their processes.
        rmSync(e.path, { recursive: true, force: true });
      }
    }
    this.entries.length = 0;
    for (const k of Object.keys(this.meta)) delete this.meta[k];
    if (this.stateFile) rmSync(this.stateFile, { force: true });
    return failed;
  }
}

const isZombie = (pid: number): boolean => {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** Whether a named network namespace exists. */
export const nsExists = (name: string): boolean => existsSync(`/run/netns/${name}`);
