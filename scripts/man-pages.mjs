// Writes pgbeat's man pages from the built executables (npm run build first):
//   node scripts/man-pages.mjs OUTDIR   OUTDIR/man8/pgbeat.8 (dist/bin/pgbeat --help and each
//                                       subcommand's --help) and OUTDIR/man7/ocf_pgbeat_<agent>.7
//                                       (each dist/agents/<agent> meta-data)
// The date is SOURCE_DATE_EPOCH's, else the last commit's, so a rebuild gives the same pages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentPage, commandPage, subcommands } from './lib/man-page.mjs';
import { parseMetaData } from './lib/meta-data.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/man-pages.mjs OUTDIR');
  process.exit(2);
}
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const epoch = process.env.SOURCE_DATE_EPOCH
  ?? (() => { try { return execFileSync('git', ['-C', root, 'log', '-1', '--format=%ct'], { encoding: 'utf8' }).trim(); } catch { return ''; } })();
const date = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10);
// A clean environment and a fixed width: the pages must not depend on who builds them.
const run = (file, args) => execFileSync(file, args, { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', COLUMNS: '80', LANG: 'C' } });

mkdirSync(join(out, 'man7'), { recursive: true });
mkdirSync(join(out, 'man8'), { recursive: true });
const agents = readdirSync(join(root, 'dist', 'agents')).sort();
for (const a of agents) {
  const md = parseMetaData(run(join(root, 'dist', 'agents', a), ['meta-data']));
  writeFileSync(join(out, 'man7', `ocf_pgbeat_${a}.7`), agentPage(md, { date, version }));
}
const cli = join(root, 'dist', 'bin', 'pgbeat');
const help = run(cli, ['--help']);
const commands = subcommands(help).map((c) => [c, run(cli, [c, '--help'])]);
writeFileSync(join(out, 'man8', 'pgbeat.8'), commandPage({
  help, commands, date, version,
  files: [
    ['/etc/ha.d/ha.cf', 'Cluster nodes, heartbeat media and timing (heartbeat v1 syntax).'],
    ['/etc/ha.d/haresources', 'Resource groups and their preferred nodes.'],
    ['/etc/ha.d/authkeys', 'Keys authenticating the heartbeats; mode 600.'],
    ['/etc/default/pgbeat', 'PGBEAT_OPTS: extra options for "pgbeat start" under systemd (pgbeat.service).'],
    ['/usr/share/doc/pgbeat/examples/', 'Example ha.cf, haresources and authkeys.'],
  ],
}));
console.log(`man pages: pgbeat(8), ${agents.map((a) => `ocf_pgbeat_${a}(7)`).join(', ')} in ${out}`);
