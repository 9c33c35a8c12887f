// What every postgresql action shares: parameters, mode, node name, deadline, and the instance
// (lib/pg/io/instance.ts: tools, pg_ctl, local target and session) it acts on.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { budgetMs } from '../../ocf/context.ts';
import { OCF_ERR_INSTALLED } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { Logger } from '../../log/logger.ts';
import type { PgTarget } from '../../pg/io/client.ts';
import { pgInstance, type PgInstance } from '../../pg/io/instance.ts';
import type { PgCtl } from '../../pg/io/pg-ctl.ts';
import type { PgTools } from '../../pg/io/tool.ts';
import { splitServerOptions } from '../../pg/server-options.ts';
import { statePath } from '../../ocf/io/state-dir.ts';
import type { PgParams } from '../params.ts';
import { effectiveMode } from '../run-mode.ts';
import { serverLogName } from '../report-files.ts';

/** The shared facts of one action. */
export interface PgEnv {
  input: ActionInput<PgParams>;
  p: PgParams;
  log: Logger;
  mode: 'promotable' | 'primitive';
  /** This node's name (application_name, slot name, attribute node). */
  node: string;
  /** The local PostgreSQL instance (pgdata, binaries, pg_ctl, local session). */
  instance: PgInstance;
  /** instance.tools, instance.ctl. */
  tools: PgTools;
  ctl: PgCtl;
  /** Epoch ms by which the action must be done (below the manager's timeout). */
  deadline: number;
  /** Milliseconds left, capped, at least 500. */
  left(cap?: number): number;
  /** How the agent connects to its own instance (instance.local). */
  local: PgTarget;
  /** Where pg_ctl -l writes the server's output: in report_dir, outside pgdata (a rewind replaces files there). */
  serverLog: string;
  /** The instance's JSON state file (lag, slots, role) under HA_RSCTMP. */
  stateFile: string;
}

const DEFAULT_BUDGET_MS: Record<string, number> = { start: 120_000, stop: 120_000, promote: 60_000, demote: 120_000 };

/** Builds the environment; throws OCF_ERR_INSTALLED when the binaries cannot be found. */
export const pgEnv = async (input: ActionInput<PgParams>): Promise<PgEnv> => {
  const { ctx, params: p, log } = input;
  const deadline = Date.now() + budgetMs(ctx, DEFAULT_BUDGET_MS[ctx.action] ?? 30_000);
  let instance: PgInstance;
  try {
    instance = await pgInstance({
      pgdata: p.pgdata, bindir: p.bindir, systemUser: p.system_user, host: p.pghost, port: p.pgport,
      serverOptions: splitServerOptions(p.start_opts),
    });
  } catch (e) {
    throw new OcfError(OCF_ERR_INSTALLED, (e as Error).message);
  }
  const left = (cap = Number.POSITIVE_INFINITY): number => Math.max(500, Math.min(cap, deadline - Date.now()));
  return {
    input,
    p,
    log,
    mode: effectiveMode(p.mode, ctx.v1, ctx.meta),
    node: p.node_name || ctx.nodeName || hostname().split('.')[0]!,
    instance,
    tools: instance.tools,
    ctl: instance.ctl,
    deadline,
    left,
    local: instance.local,
    serverLog: join(p.report_dir, serverLogName(ctx.instance)),
    stateFile: statePath(ctx.stateDir, `pgbeat-postgresql-${ctx.instance}.json`),
  };
};
