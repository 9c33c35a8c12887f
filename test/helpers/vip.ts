// Shared pieces of the IPaddr integration tests: the built agent, per-host state dirs, bounded polling
// and the "one clean failure" assertion.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, callAgent, type AgentRun, type CallOptions } from './agent.ts';
import type { Lab } from './netns.ts';

/** The built IPaddr agent. */
export const IPADDR = agentPath('IPaddr');

/** Fails with a clear message when the agent has not been built. */
export const requireBuiltAgent = (): void => {
  assert.ok(existsSync(IPADDR), `${IPADDR} is missing: run \`npm run build\` before the integration tests`);
};

/**
 * Runs IPaddr on lab hosts, each host with its own HA_RSCTMP (separate machines do not share
 * /run/resource-agents). cleanup() removes the directories.
 */
export const vipRunner = (lab: Lab) => {
  const dirs = new Map<number, string>();
  const stateDir = (host: number): string => {
    let d = dirs.get(host);
    if (!d) {
      d = mkdtempSync(join(tmpdir(), `pgbeat-ipaddr-h${host}-`));
      dirs.set(host, d);
    }
    return d;
  };
  return {
    /** Runs `action` on host `host` with OCF_RESKEY_* `params`. */
    call: (host: number, action: string, params: Record<string, string>, opts: CallOptions = {}): AgentRun =>
      callAgent(IPADDR, action, params, {
        ...opts,
        ns: lab.host(host),
        extraEnv: { HA_RSCTMP: stateDir(host), OCF_RESOURCE_INSTANCE: 'vip', ...opts.extraEnv },
      }),
    cleanup: (): void => {
      for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
      dirs.clear();
    },
  };
};

/** Polls `probe` every `everyMs` until it returns a value that is not undefined, for at most `withinMs`. */
export const pollFor = async <T>(probe: () => T | undefined, withinMs = 4_000, everyMs = 100): Promise<T | undefined> => {
  const until = Date.now() + withinMs;
  for (let i = 0; i < Math.ceil(withinMs / everyMs) + 1; i++) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
};

/** The run in words, for assertion messages. */
export const show = (r: AgentRun): string => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Asserts exit 0 (with the output in the message otherwise). */
export const assertOk = (r: AgentRun, what: string): void => {
  assert.equal(r.code, 0, `${what}: ${show(r)}`);
};

/**
 * Asserts a failure with `code`, exactly one `ocf-exit-reason:` line mentioning every `mentions`
 * text, and no JavaScript stack trace or raw error on stderr.
 */
export const assertCleanFailure = (r: AgentRun, code: number, mentions: string[], what: string): void => {
  assert.equal(r.code, code, `${what}: ${show(r)}`);
  const reasons = r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:'));
  assert.equal(reasons.length, 1, `${what}: expected one exit reason line: ${show(r)}`);
  for (const m of mentions) assert.ok(reasons[0]!.includes(m), `${what}: exit reason should name '${m}': ${reasons[0]}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+[(:]/m, `${what}: stack frame on stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\b[A-Za-z]*Error: /, `${what}: raw error on stderr: ${r.stderr}`);
};
