#!/usr/bin/env node
// ocf:pgbeat:postgresql: one PostgreSQL instance as primary or streaming standby.
import { runAgent } from '../lib/ocf/io/run-agent.ts';
import type { AgentSpec } from '../lib/ocf/agent-spec.ts';
import { parsePgParams, pgFromV1Args, pgSchema, pgV1Instance, type PgParams } from '../lib/postgresql/params.ts';
import { PGBEAT_VERSION } from '../lib/version.ts';

const spec: AgentSpec<PgParams> = {
  name: 'postgresql',
  version: PGBEAT_VERSION,
  shortdesc: 'PostgreSQL primary or streaming standby (pgbeat)',
  longdesc:
    'Manages one PostgreSQL instance with streaming replication. As a promotable clone, start runs a ' +
    'standby and promote/demote move the primary role; as a primitive (a haresources line), started ' +
    'means this node runs the primary. It never starts a primary next to a reachable primary, a newer ' +
    'timeline or a peer it could not ask, never promotes a standby that a reachable peer is ahead of, ' +
    'rejoins a diverged old primary with pg_rewind after writing a report of what it discards (never ' +
    'a newer timeline onto an older one), and can manage ' +
    'synchronous_standby_names so writes never hang (fallback) or never lose an acknowledged commit (strict).',
  params: pgSchema,
  actions: [
    { name: 'start', timeout: 120 },
    { name: 'stop', timeout: 120 },
    { name: 'promote', timeout: 60 },
    { name: 'demote', timeout: 120 },
    { name: 'notify', timeout: 60 },
    { name: 'monitor', timeout: 20, interval: 15, depth: 0, role: 'Promoted' },
    { name: 'monitor', timeout: 20, interval: 16, depth: 0, role: 'Unpromoted' },
    { name: 'monitor', timeout: 20, interval: 16, depth: 0 },
    { name: 'status', timeout: 20 },
    { name: 'meta-data', timeout: 5 },
    { name: 'validate-all', timeout: 20 },
    { name: 'usage', timeout: 5 },
    { name: 'methods', timeout: 5 },
  ],
  parse: parsePgParams,
  v1Usage: 'pgdata [primary_host [peers]] [name=value ...]',
  fromV1Args: pgFromV1Args,
  v1Instance: pgV1Instance,
  load: async () => {
    const [{ startPg, stopPg, monitorPg, promotePg, demotePg }, { notifyPg }, { validatePg }] = await Promise.all([
      import('../lib/postgresql/io/actions.ts'),
      import('../lib/postgresql/io/notify.ts'),
      import('../lib/postgresql/io/validate.ts'),
    ]);
    return {
      validate: validatePg,
      handlers: { start: startPg, stop: stopPg, monitor: monitorPg, promote: promotePg, demote: demotePg, notify: notifyPg },
    };
  },
};

void runAgent(spec);
