// A heartbeat medium endpoint for integration tests, run inside a network namespace:
//   node --import tsx test/helpers/medium-peer.ts '<json>'
// json: { medium: MediumConfig (or media: MediumConfig[], opened as the daemon opens a node's media), self, peer, want, generation?, minMs?, known? (peer generations saved by a previous run) }. Sends a signed packet every
// 50 ms, prints one line per accepted packet ("accept <from> <generation>/<seq>"), per dropped one
// ("drop <cause>") and per status change, and exits 0 once `want` packets from the peer were accepted
// and `minMs` have passed (1 after 10 s).
import type { MediumConfig } from '../../lib/manager/config/cluster-config.ts';
import { openMedium, openNodeMedia } from '../../lib/manager/io/media/open-medium.ts';
import { clusterIdOf, encodePacket } from '../../lib/manager/wire/packet.ts';
import { newReceiverState, receiveFrame } from '../../lib/manager/wire/receive.ts';

const { medium, media, self, peer, want, generation = 1, minMs = 0, known = {} } = JSON.parse(process.argv[2]!) as {
  medium?: MediumConfig; media?: MediumConfig[]; self: string; peer: string; want: number; generation?: number; minMs?: number; known?: Record<string, number>;
};
const t0 = Date.now();
const KEY = { index: 1, method: 'sha256' as const, key: 'medium-test' };
const ctx = { self, senders: [peer], clusterId: clusterIdOf('pgbeat'), keys: [KEY] };
let state = newReceiverState(known);
let accepted = 0;
const all = media ? openNodeMedia(media) : [openMedium(medium!)];
console.log(`media ${all.length}: ${all.map((x) => x.name).join(', ')}`);
const onFrame = (f: Uint8Array): void => {
  const r = receiveFrame(state, f, ctx);
  state = r.state;
  if (r.verdict.kind === 'accept') {
    accepted += 1;
    console.log(`accept ${r.verdict.packet.from} ${r.verdict.packet.generation}/${r.verdict.packet.seq}`);
  } else console.log(`drop ${r.verdict.cause}`);
};
for (const x of all) {
  x.onStatus((st) => console.log(`status ${st.up ? 'up' : 'down'} ${st.reason ?? ''}`));
  x.onFrame(onFrame);
}
const m = {
  send: (f: Uint8Array) => Promise.all(all.map((x) => x.send(f))),
  close: () => Promise.all(all.map((x) => x.close())),
  received: () => all.reduce((n, x) => n + x.stats.received, 0),
};
let seq = 0;
const timer = setInterval(() => {
  seq += 1;
  void m.send(encodePacket({ clusterId: ctx.clusterId, generation, seq, from: self, type: 'hb', body: { seq } }, KEY));
  if (accepted >= want && Date.now() - t0 >= minMs) finish(0);
}, 50);
const deadline = setTimeout(() => finish(1), 10_000);
const finish = (code: number): void => {
  clearInterval(timer);
  clearTimeout(deadline);
  // Keep sending a little longer so the peer gets its share too, then close.
  void (async () => {
    for (let i = 0; i < 10; i++) {
      seq += 1;
      await m.send(encodePacket({ clusterId: ctx.clusterId, generation, seq, from: self, type: 'hb', body: { seq } }, KEY));
      await new Promise((r) => setTimeout(r, 50));
    }
    await m.close();
    console.log(`sent ${seq} received ${m.received()}`);
    process.exit(code);
  })();
};
