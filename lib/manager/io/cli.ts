#!/usr/bin/env node
// The `pgbeat` command line: the manager daemon and its clients, the witness, check-config, version.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { PGBEAT_VERSION } from '../../version.ts';
import { checkConfigCommand } from '../config/io/check-config.ts';
import { DEFAULT_CONFIG_DIR, loadClusterConfig } from '../config/io/load-config.ts';
import { formatProblem, hasErrors } from '../config/problem.ts';
import { formatStatus, type StatusReport } from '../core/status.ts';
import { runWitnessServer } from '../witness/io/witness-server.ts';
import { askControl, CONTROL_SOCKET } from './control-socket.ts';
import { runStart } from './start.ts';
import { ADMIN_TOOLS, runAdminTool } from './admin-tools.ts';
import { groupRequest } from '../admin/group-request.ts';

const configDir = { 'config-dir': { type: 'string' as const, default: DEFAULT_CONFIG_DIR, describe: 'Configuration directory (ha.cf, haresources, authkeys)' } };
const stateOpt = { 'state-dir': { type: 'string' as const, default: '/var/lib/pgbeat', describe: 'Where the agreed state, the generation and the peers\' generations are kept' } };
const metricsOpt = { metrics: { type: 'string' as const, describe: 'Serve Prometheus metrics on [host:]port (host defaults to 127.0.0.1), path /metrics' } };
const socketOpt = { socket: { type: 'string' as const, default: CONTROL_SOCKET, describe: 'The daemon\'s control socket' } };

const fail = (e: unknown): void => {
  console.error(`pgbeat: ${(e as Error).message}`);
  process.exitCode = 1;
};

/** standby / takeover: check the group named, ask the daemon, wait for the outcome, print it. */
const move = (command: 'standby' | 'takeover') => async (argv: { socket: string; wait: number; group: string; 'config-dir': string }): Promise<void> => {
  try {
    if (argv.group !== 'all') {
      const { config, problems } = await loadClusterConfig(argv['config-dir'], null);
      if (!config) throw new Error(problems.map(formatProblem)[0] ?? `cannot read the configuration in ${argv['config-dir']}`);
      const g = groupRequest(command, argv.group, config.groups);
      if (g.kind === 'refuse') throw new Error(g.sentence);
    }
    const a = await askControl(argv.socket, { command, waitMs: argv.wait * 1000 }, argv.wait * 1000 + 5000) as { outcome?: string; error?: string };
    if (a.error) throw new Error(a.error);
    console.log(a.outcome);
  } catch (e) { fail(e); }
};

const args = hideBin(process.argv);
const adminTool = ADMIN_TOOLS.find((t) => t === args[0]);
// `pgbeat cl_status --help` (the man page's source) is yargs'; every other use takes heartbeat's arguments.
if (adminTool !== undefined && args[1] !== '--help') {
  void runAdminTool(adminTool, args.slice(1)).then((code) => { process.exitCode = code; }, (e: unknown) => { fail(e); process.exitCode = adminTool === 'cl_status' ? 13 : 1; });
} else void yargs(args)
  .scriptName('pgbeat')
  .version(PGBEAT_VERSION)
  .command('version', 'Print the pgbeat version', () => undefined, () => {
    console.log(PGBEAT_VERSION);
  })
  .command(checkConfigCommand)
  .command('start', 'Run the manager daemon in the foreground (systemd: Type=simple)', (y) => y.options({ ...configDir, ...socketOpt, ...stateOpt, ...metricsOpt }), async (argv) => {
    process.exitCode = await runStart(argv['config-dir'], argv.socket, argv['state-dir'], { metrics: argv.metrics }).catch((e: unknown) => { fail(e); return 1; });
  })
  .command('status', 'Show nodes, links, witness, agreed state and the service', (y) => y.options({ ...configDir, ...socketOpt, json: { type: 'boolean', default: false } }), async (argv) => {
    try {
      const r = await askControl(argv.socket, { command: 'status' }, 5000) as StatusReport;
      console.log(argv.json ? JSON.stringify(r, null, 2) : formatStatus(r));
    } catch (e) { fail(e); }
  })
  .command('standby [group]', 'Hand the service to the peer (hb_standby); every group moves together (a group named alone is refused when there are several)', (y) => y.options({ ...configDir, ...socketOpt, wait: { type: 'number', default: 30, describe: 'Seconds to wait for the outcome' } }).positional('group', { type: 'string', default: 'all' }), (argv) => move('standby')(argv))
  .command('takeover [group]', 'Take the service from the peer (hb_takeover); every group moves together (a group named alone is refused when there are several)', (y) => y.options({ ...configDir, ...socketOpt, wait: { type: 'number', default: 30, describe: 'Seconds to wait for the outcome' } }).positional('group', { type: 'string', default: 'all' }), (argv) => move('takeover')(argv))
  .command('witness', 'Run the witness for the cluster of this configuration (UDP, foreground)', (y) => y.options({ ...configDir, ...stateOpt, bind: { type: 'string', describe: 'Address to listen on (default: all)' }, port: { type: 'number', describe: 'Port (default: the witness directive\'s, else udpport)' } }), async (argv) => {
    const { config, problems } = await loadClusterConfig(argv['config-dir'], null);
    for (const p of problems) console.log(formatProblem(p));
    if (!config || hasErrors(problems)) { process.exitCode = 1; return; }
    const ac = new AbortController();
    process.once('SIGTERM', () => ac.abort());
    process.once('SIGINT', () => ac.abort());
    await runWitnessServer({ config, bind: argv.bind, port: argv.port, statePath: `${argv['state-dir']}/witness-state`, generationPath: `${argv['state-dir']}/witness-generation`, peersPath: `${argv['state-dir']}/witness-peer-generations`, log: (level, line) => console.log(`${new Date().toISOString()} ${level}: ${line}`), signal: ac.signal }).catch(fail);
  })
  .command('cl_status <sub-command..>', 'heartbeat\'s cl_status, answered by the daemon (hbstatus, listnodes, nodestatus, listhblinks, hblinkstatus, rscstatus, hbparameter...)')
  .command('hb_standby [all|foreign|local|failback]', 'heartbeat\'s hb_standby: standby, waiting for the outcome')
  .command('hb_takeover [all|foreign|local|failback]', 'heartbeat\'s hb_takeover: takeover, waiting for the outcome')
  .demandCommand(1, 'Give a command; see --help')
  .strict()
  .parseAsync();
