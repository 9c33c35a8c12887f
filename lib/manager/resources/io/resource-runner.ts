// The ResourceRunner the daemon wires: resolves a resource to an executable call, runs it in its own
// process group with a timeout that kills the group, and returns an ActionResult (an OCF code, the
// agent's exit reason). Never throws.
import type { ResourceSpec } from '../../config/cluster-config.ts';
import type { ActionResult, ResourceAction, ResourceRunner } from '../../ports.ts';
import { runInGroup } from '../../../exec/io/run-in-group.ts';
import { describeFailure } from '../../../exec/result.ts';
import { actionCode, missingExecutableCode } from '../action-code.ts';
import { exitReasonOf } from '../exit-reason.ts';
import { resolveInvocation, type ResolveOptions } from '../invocation.ts';
import { findV1Script, isExecutableFile } from './script-lookup.ts';

/** Options of the runner: where resources live, plus a command prefix (tests: `ip netns exec NS`). */
export interface RunnerOptions extends ResolveOptions {
  prefix?: string[] | undefined;
}

/** A ResourceRunner over real executables. */
export const createResourceRunner = (o: RunnerOptions): ResourceRunner => ({
  run: async (resource: ResourceSpec, action: ResourceAction, opts): Promise<ActionResult> => {
    const script = resource.kind === 'v1' ? findV1Script(resource.name, o.v1Dirs) : undefined;
    const resolution = resolveInvocation(resource, action, opts.timeoutMs, o, script);
    if (!resolution.ok) return { code: resolution.code, timedOut: false, durationMs: 0, reason: resolution.reason };
    const inv = resolution.invocation;
    if (!isExecutableFile(inv.file)) {
      return { code: missingExecutableCode(action), timedOut: false, durationMs: 0, reason: `No executable agent at ${inv.file}` };
    }
    const [file, ...args] = [...(o.prefix ?? []), inv.file, ...inv.args];
    const r = await runInGroup(file!, args, { timeoutMs: opts.timeoutMs, env: { ...inv.env, ...opts.env } });
    const code = r.notFound ? missingExecutableCode(action) : actionCode(inv.reading, r);
    const reason = r.timedOut || r.notFound ? describeFailure(r) : exitReasonOf(r.stderr);
    return { code, timedOut: r.timedOut, durationMs: r.durationMs, reason };
  },
});
