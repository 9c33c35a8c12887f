// The Fencer over ha.cf's `fence <node> <command...>`: the command runs through /bin/sh with a
// timeout; only exit 0 within it counts as fenced (a fence that may have failed never counts).
import { run, type Runner } from '../../exec/io/run.ts';
import type { Fencer } from '../ports.ts';

/** A Fencer running the configured command for each node. */
export const commandFencer = (commands: Readonly<Record<string, string>>, log: (line: string) => void, runner: Runner = run): Fencer => ({
  async fence(node, timeoutMs) {
    const command = commands[node];
    if (command === undefined) return false;
    const r = await runner('/bin/sh', ['-c', command], { timeoutMs, env: { PGBEAT_FENCE_NODE: node } });
    log(r.failed
      ? `Fence of ${node} failed (${r.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${r.exitCode ?? r.signal}`}): ${r.stderr.trim().split('\n').pop() ?? ''}`
      : `Fence of ${node} succeeded in ${Math.round(r.durationMs)} ms.`);
    return !r.failed;
  },
});
