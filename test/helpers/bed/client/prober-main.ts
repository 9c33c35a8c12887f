// The two-primaries detector's half for one node: every --interval-ms asks the node on its own
// address whether it is out of recovery and, when it is, whether it acknowledges a write (INSERT
// into bed_probe with the session's default synchronous_commit); one JSON line per round to --out.
// Run inside the node's network namespace (not its PID namespace: it outlives a frozen or dead node):
//   node --import tsx prober-main.ts --host 127.0.0.1 --node castor --out FILE [--interval-ms 50]
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText, makeLink, parseArgs } from './pg-link.ts';
import type { ProbeRecord } from './records.ts';

const args = parseArgs(process.argv.slice(2));
const out = args['out']!;
const node = args['node']!;
const intervalMs = Number(args['interval-ms'] ?? 50);
const endAt = Date.now() + Number(args['max-seconds'] ?? 3600) * 1000;
const link = makeLink({
  host: args['host'] ?? '127.0.0.1', port: Number(args['port'] ?? 5432), applicationName: 'pgbeat-bed-prober',
  connectTimeoutMs: Number(args['connect-timeout-ms'] ?? 500), queryTimeoutMs: Number(args['query-timeout-ms'] ?? 1000),
});
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

let next = Date.now();
while (!stopping && Date.now() < endAt) {
  const wait = next - Date.now();
  if (wait > 0) await sleep(wait);
  next = Math.max(next + intervalMs, Date.now());
  const rec: ProbeRecord = { node, sent: Date.now() };
  try {
    const rows = await link.query('SELECT pg_is_in_recovery() AS r');
    rec.seen = Date.now();
    rec.inRecovery = rows[0]?.['r'] === true;
    if (!rec.inRecovery) {
      await link.query('INSERT INTO bed_probe (node) VALUES ($1)', [node]);
      rec.ack = Date.now();
    }
  } catch (e) {
    rec.failed = Date.now();
    rec.error = errorText(e);
  }
  appendFileSync(out, `${JSON.stringify(rec)}\n`);
}
link.close();
process.exit(0);
