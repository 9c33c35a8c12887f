// The floor under the pgbeat daemon's CPU figure: a bare Node process that does only the packet work
// of a heartbeat exchange at a keepalive, nothing else. Every keepalive it builds a heartbeat-sized
// JSON body, signs it with HMAC-SHA256 and sends it on `media` UDP sockets over loopback; it receives
// each copy, checks the HMAC and parses it (what the peer's packets cost the daemon). No core, no
// PostgreSQL probe, no witness, no serial line. Prints its own CPU (% of one core, from
// process.cpuUsage) over the interval and its RSS.
//   node scripts/lab/daemon-floor.mjs [keepalive-ms=100] [seconds=20] [media=3]
import { createHmac, timingSafeEqual } from 'node:crypto';
import dgram from 'node:dgram';

const [keepaliveMs = 100, seconds = 20, media = 3] = process.argv.slice(2).map(Number);
if (![keepaliveMs, seconds, media].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('usage: node scripts/lab/daemon-floor.mjs [keepalive-ms] [seconds] [media] (positive integers)');
  process.exit(2);
}
const key = Buffer.alloc(32, 7);
const MAC = 32;
const sockets = await Promise.all(Array.from({ length: media }, () => new Promise((resolve) => {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1', () => resolve(s));
})));
let received = 0;
for (const s of sockets) {
  s.on('message', (m) => {
    const body = m.subarray(MAC);
    const want = createHmac('sha256', key).update(body).digest();
    if (timingSafeEqual(want, m.subarray(0, MAC))) {
      JSON.parse(body.toString('utf8'));
      received++;
    }
  });
}
let seq = 0;
const timer = setInterval(() => {
  const body = Buffer.from(JSON.stringify({
    from: 'castor', seq: ++seq, incarnation: 7, state: { epoch: 6, primary: 'castor', sync: 'pollux' }, holding: true,
    pg: { role: 'primary', timeline: 1, flushedLsn: 67108864, replayedLsn: 67108864, streaming: false, syncFlushedLsn: 67108864 },
    ack: null, leaving: false, wantsService: false, candidate: null, deadtimeMs: 500,
  }));
  const packet = Buffer.concat([createHmac('sha256', key).update(body).digest(), body]);
  for (const s of sockets) s.send(packet, s.address().port, '127.0.0.1');
}, keepaliveMs);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
setTimeout(() => {
  clearInterval(timer);
  const used = process.cpuUsage(cpu0);
  const pct = ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
  console.log(`bare Node floor (${media} packets sent and received per ${keepaliveMs} ms over loopback, HMAC-SHA256 and JSON, ${seconds} s, node ${process.version}): ` +
    `CPU ${pct.toFixed(2)} % of a core, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(1)} MB, ${received} packets received`);
  for (const s of sockets) s.close();
}, seconds * 1000);
