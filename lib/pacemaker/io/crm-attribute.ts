// Node attributes through crm_attribute (transient, lifetime reboot). Only used under Pacemaker.
import { run } from '../../exec/io/run.ts';
import { describeFailure } from '../../exec/result.ts';
import { which } from '../../exec/io/which.ts';

/** Reads and writes node attributes; every call is bounded and reports failure as a message. */
export interface NodeAttributes {
  /** Sets `name` on `node`; returns an error text or undefined. */
  set(node: string, name: string, value: string): Promise<string | undefined>;
  /** Reads `name` on `node`; undefined when unset or unreadable. */
  get(node: string, name: string): Promise<string | undefined>;
  /** Deletes `name` on `node`. */
  remove(node: string, name: string): Promise<string | undefined>;
}

/** NodeAttributes backed by crm_attribute, or undefined when Pacemaker's tools are absent. */
export const crmAttributes = (timeoutMs: number): NodeAttributes | undefined => {
  const crm = which('crm_attribute');
  if (!crm) return undefined;
  const call = (args: string[]) => run(crm, ['--lifetime', 'reboot', ...args], { timeoutMs });
  return {
    set: async (node, name, value) => {
      const r = await call(['--node', node, '--name', name, '--update', value]);
      return r.failed ? describeFailure(r) : undefined;
    },
    get: async (node, name) => {
      const r = await call(['--node', node, '--name', name, '--query', '--quiet']);
      return r.failed ? undefined : r.stdout.trim() || undefined;
    },
    remove: async (node, name) => {
      const r = await call(['--node', node, '--name', name, '--delete']);
      return r.failed ? describeFailure(r) : undefined;
    },
  };
};
