// The bed's client: writes one row per interval through the VIP (INSERT with a sequence number,
// RETURNING the node that took it) and appends one JSON line per attempt to --out. One write at a
// time; a failed or slow write drops the connection and the next one reconnects (connect within
// 300 ms, write within 500 ms by default: a SYN lost to an address that moved is sent again at once,
// not after TCP's own 1 s retransmission). Ends on SIGTERM or
// after --max-seconds. Run inside the client host's namespace:
//   node --import tsx writer-main.ts --host 192.0.2.10 --out FILE [--interval-ms 20]
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText, makeLink, parseArgs } from './pg-link.ts';
import type { WriteRecord } from './records.ts';

const args = parseArgs(process.argv.slice(2));
const out = args['out']!;
const intervalMs = Number(args['interval-ms'] ?? 20);
const endAt = Date.now() + Number(args['max-seconds'] ?? 3600) * 1000;
const link = makeLink({
  host: args['host']!, port: Number(args['port'] ?? 5432), applicationName: 'pgbeat-bed-writer',
  connectTimeoutMs: Number(args['connect-timeout-ms'] ?? 300), queryTimeoutMs: Number(args['write-timeout-ms'] ?? 500),
});
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

const INSERT = "INSERT INTO bed_writes (seq, node) VALUES ($1, current_setting('pgbeat_bed.node')) RETURNING node";
let seq = Number(args['first-seq'] ?? 1);
let next = Date.now();
while (!stopping && Date.now() < endAt) {
  const wait = next - Date.now();
  if (wait > 0) await sleep(wait);
  next = Math.max(next + intervalMs, Date.now());
  const rec: WriteRecord = { seq, sent: Date.now() };
  seq += 1;
  try {
    const rows = await link.query(INSERT, [rec.seq]);
    rec.ack = Date.now();
    rec.node = String(rows[0]?.['node'] ?? '');
  } catch (e) {
    rec.failed = Date.now();
    rec.error = errorText(e);
  }
  appendFileSync(out, `${JSON.stringify(rec)}\n`);
}
link.close();
process.exit(0);
