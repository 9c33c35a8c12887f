// A client that writes through the address clients use (the VIP), for the cluster tests: a bounded
// shell loop in the client's lab namespace inserts one row per attempt (sequence number, phase) with
// psql over TCP and prints which attempts were acknowledged (COMMIT returned) and which failed, with
// the time. The test then checks every acknowledged sequence number on the final primary. Bounded in
// attempts, in wall time, and per attempt (timeout); stopped through a stop file, then by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_PATH } from './lab-node.ts';
import { PG_BINDIR } from './pg.ts';

/** The table every writer inserts into (the test creates it on the primary first). */
export const ACK_TABLE_SQL = 'CREATE TABLE pgbeat_acks (seq int PRIMARY KEY, phase text NOT NULL, at timestamptz NOT NULL DEFAULT now())';

/** One attempt: its sequence number, acknowledged or not, and the client's clock (ms) when it ended. */
export interface Attempt {
  seq: number;
  ok: boolean;
  at: number;
}

/** A running writer. */
export interface VipWriter {
  phase: string;
  /** Every attempt so far, in order. */
  attempts(): Attempt[];
  /** Sequence numbers acknowledged so far. */
  acked(): number[];
  /** Writes resumed after `since`: the first acknowledged attempt after the first failure that followed `since` (or the first acknowledged at all, when none failed). */
  resumedAfter(since: number): Attempt | undefined;
  /** Stops the loop (stop file; SIGTERM to the shell we started if it outlives 15 s) and waits for it. */
  stop(): Promise<void>;
}

const running = new Set<VipWriter>();

/** Stops every writer still running (for after()). */
export const stopAllWriters = async (): Promise<void> => {
  for (const w of [...running]) await w.stop();
};

/**
 * Starts a writer in `ns` against `host`: sequence numbers first..first+count-1, one attempt every
 * `stepMs`, each attempt at most 6 s (connect_timeout 2 s), the loop at most `maxSeconds`.
 */
export const startVipWriter = (o: { ns: string; host: string; phase: string; first: number; count: number; maxSeconds: number; stepMs?: number }): VipWriter => {
  const dir = mkdtempSync(join(tmpdir(), 'pgbeat-writer-'));
  const stopFile = join(dir, 'stop');
  const conn = `host=${o.host} port=5432 dbname=postgres user=postgres connect_timeout=2`;
  const loop = [
    'i=$FIRST; last=$((FIRST + COUNT - 1)); end=$(( $(date +%s) + MAXSEC ))',
    'while [ "$i" -le "$last" ] && [ "$(date +%s)" -lt "$end" ] && [ ! -e "$STOPFILE" ]; do',
    `  if timeout 6 ${join(PG_BINDIR, 'psql')} -X -q -v ON_ERROR_STOP=1 -d "$CONN" -c "INSERT INTO pgbeat_acks (seq, phase) VALUES ($i, '$PHASE')" >/dev/null 2>&1`,
    '  then echo "ack $i $(date +%s%3N)"; else echo "fail $i $(date +%s%3N)"; fi',
    '  i=$((i + 1)); sleep "$STEP"',
    'done',
  ].join('\n');
  const child: ChildProcess = spawn('ip', ['netns', 'exec', o.ns, 'sh', '-c', loop], {
    env: {
      PATH: NODE_PATH, LANG: 'C', FIRST: String(o.first), COUNT: String(o.count), MAXSEC: String(o.maxSeconds),
      STOPFILE: stopFile, CONN: conn, PHASE: o.phase, STEP: String((o.stepMs ?? 50) / 1000),
    },
    stdio: ['ignore', 'pipe', 'ignore'],
    cwd: '/',
  });
  const list: Attempt[] = [];
  let partial = '';
  child.stdout!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^(ack|fail) (\d+) (\d+)$/.exec(l);
      if (m) list.push({ ok: m[1] === 'ack', seq: Number(m[2]), at: Number(m[3]) });
    }
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.on('exit', () => resolve());
  });
  const writer: VipWriter = {
    phase: o.phase,
    attempts: () => [...list],
    acked: () => list.filter((a) => a.ok).map((a) => a.seq),
    resumedAfter: (since) => {
      const after = list.filter((a) => a.at >= since);
      const firstFail = after.findIndex((a) => !a.ok);
      return (firstFail < 0 ? after : after.slice(firstFail)).find((a) => a.ok);
    },
    stop: async () => {
      running.delete(writer);
      if (!existsSync(dir)) return;
      writeFileSync(stopFile, '');
      const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!done && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        await Promise.race([exited, sleep(5_000)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(writer);
  return writer;
};

/** The acknowledged sequence numbers of `writer` that `present` (the rows found on a node) lacks. */
export const missingAcks = (writer: VipWriter, present: readonly number[]): number[] => {
  const have = new Set(present);
  return writer.acked().filter((s) => !have.has(s));
};
