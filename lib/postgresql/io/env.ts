// What every postgresql action shares: parameters, mode, node name, tools, deadline, local target.
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ActionInput } from '../../ocf/agent-spec.ts';
import { budgetMs } from '../../ocf/context.ts';
import { OCF_ERR_INSTALLED } from '../../ocf/exit-codes.ts';
import { OcfError } from '../../ocf/ocf-error.ts';
import type { Logger } from '../../log/logger.ts';
import { findBindir } from '../../pg/io/bindir.ts';
import type { PgTarget } from '../../pg/io/client.ts';
import { pgCtl, type PgCtl } from '../../pg/io/pg-ctl.ts';
import type { PgTools } from '../../pg/io/tool.ts';
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
  tools: PgTools;
  ctl: PgCtl;
  /** Epoch ms by which the action must be done (below the manager's timeout). */
  deadline: number;
  /** Milliseconds left, capped, at least 500. */
  left(cap?: number): number;
  /** How the agent connects to its own instance. */
  local: PgTarget;
  /** Where pg_ctl -l writes the server's output: in report_dir, outside pgdata (a rewind replaces files there). */
  serverLog: string;
  /** The instance's JSON state file (lag, slots, role) under HA_RSCTMP. */
  stateFile: string;
}

const DEFAULT_BUDGET_MS: Record<string, number> = { start: 120_000, stop: 120_000, promote: 60_000, demote: 120_000 };

const newestDebianBindir = (): string | undefined => {
  try {
    const majors = readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    return majors.map((m) => `/usr/lib/postgresql/${m}/bin`).find((dir) => existsSync(join(dir, 'pg_ctl')));
  } catch {
    return undefined;
  }
};

/** Builds the environment; throws OCF_ERR_INSTALLED when the binaries cannot be found. */
export const pgEnv = async (input: ActionInput<PgParams>): Promise<PgEnv> => {
  const { ctx, params: p, log } = input;
  const deadline = Date.now() + budgetMs(ctx, DEFAULT_BUDGET_MS[ctx.action] ?? 30_000);
  let bindir: string;
  try {
    bindir = (await findBindir({ pgdata: p.pgdata, configured: p.bindir || undefined })).bindir;
  } catch (e) {
    // An empty data directory (to be cloned) has no PG_VERSION: take the newest installed major.
    const newest = p.bindir ? undefined : newestDebianBindir();
    if (!newest) throw new OcfError(OCF_ERR_INSTALLED, (e as Error).message);
    bindir = newest;
  }
  const tools: PgTools = { bindir, user: p.system_user };
  const left = (cap = Number.POSITIVE_INFINITY): number => Math.max(500, Math.min(cap, deadline - Date.now()));
  return {
    input,
    p,
    log,
    mode: effectiveMode(p.mode, ctx.v1, ctx.meta),
    node: p.node_name || ctx.nodeName || hostname().split('.')[0]!,
    tools,
    ctl: pgCtl(tools, p.pgdata),
    deadline,
    left,
    local: {
      host: p.pghost,
      port: p.pgport,
      user: p.system_user,
      connectTimeoutMs: 3_000,
      statementTimeoutMs: 5_000,
    },
    serverLog: join(p.report_dir, serverLogName(ctx.instance)),
    stateFile: statePath(ctx.stateDir, `pgbeat-postgresql-${ctx.instance}.json`),
  };
};
