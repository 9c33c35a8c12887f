#!/usr/bin/env node
// ocf:pgbeat:db_sync: keeps a startable copy of the primary's database on this node, safely and consistently.
import { runAgent } from '../lib/ocf/io/run-agent.ts';
import type { AgentSpec } from '../lib/ocf/agent-spec.ts';
import { parseSyncParams, syncFromV1Args, syncSchema, syncV1Instance, type SyncParams } from '../lib/db-sync/params.ts';
import { PGBEAT_VERSION } from '../lib/version.ts';

const spec: AgentSpec<SyncParams> = {
  name: 'db_sync',
  version: PGBEAT_VERSION,
  shortdesc: 'Periodic failover copy of a PostgreSQL primary (pgbeat)',
  longdesc:
    'Keeps target_dir a startable copy of the primary at source_host: start launches a supervisor that syncs ' +
    'every interval (and optionally pulls once first), monitor fails when the last good copy is older than ' +
    'max_age, and `db_sync run` makes one sync from cron under the same lock. It copies only from a primary, ' +
    'never into a data directory a postmaster runs on, never over a copy that is newer or of another cluster; ' +
    'each copy is built beside the good one and switched in only when complete.',
  params: syncSchema,
  actions: [
    { name: 'start', timeout: 3600 },
    { name: 'stop', timeout: 120 },
    { name: 'monitor', timeout: 20, interval: 60, depth: 0 },
    { name: 'status', timeout: 20 },
    { name: 'meta-data', timeout: 5 },
    { name: 'validate-all', timeout: 20 },
    { name: 'usage', timeout: 5 },
    { name: 'methods', timeout: 5 },
  ],
  parse: parseSyncParams,
  v1Usage: 'source_host target_dir [name=value ...]',
  fromV1Args: syncFromV1Args,
  v1Instance: syncV1Instance,
  load: async () => {
    const { monitorSync, runOnce, startSync, stopSync, supervise, validateSync } = await import('../lib/db-sync/io/actions.ts');
    return { validate: validateSync, handlers: { start: startSync, stop: stopSync, monitor: monitorSync, run: runOnce, supervise } };
  },
};

void runAgent(spec);
