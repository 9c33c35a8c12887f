// A hostile host on a heartbeat medium, for integration tests, run inside a network namespace:
//   node --import tsx test/helpers/medium-attacker.ts '<json>'
// json: { medium, mode: 'capture' | 'replay', file, ms }. capture: records every frame heard for `ms`
// into `file` (hex lines). replay: for `ms`, sends the recorded frames again (one every 20 ms), a
// packet forged as "alpha" with a guessed key every 100 ms and, with `truncate`, the first half of a
// recorded frame every 100 ms. `cluster` names the cluster of the forged packets (default pgbeat).
import { readFileSync, writeFileSync } from 'node:fs';
import type { MediumConfig } from '../../lib/manager/config/cluster-config.ts';
import { openMedium } from '../../lib/manager/io/media/open-medium.ts';
import { clusterIdOf, encodePacket } from '../../lib/manager/wire/packet.ts';

const { medium, mode, file, ms, truncate = false, cluster = 'pgbeat' } = JSON.parse(process.argv[2]!) as {
  medium: MediumConfig; mode: 'capture' | 'replay'; file: string; ms: number; truncate?: boolean; cluster?: string;
};
const m = openMedium(medium);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

if (mode === 'capture') {
  const frames: string[] = [];
  m.onFrame((f) => frames.push(Buffer.from(f).toString('hex')));
  await sleep(ms);
  writeFileSync(file, frames.join('\n'));
  console.log(`captured ${frames.length}`);
} else {
  const frames = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => new Uint8Array(Buffer.from(l, 'hex')));
  const guess = { index: 1, method: 'sha256' as const, key: 'guessed' };
  const until = Date.now() + ms;
  let i = 0;
  while (Date.now() < until && frames.length > 0) {
    await m.send(frames[i % frames.length]!);
    if (i % 5 === 0) await m.send(encodePacket({ clusterId: clusterIdOf(cluster), generation: 99, seq: i, from: 'alpha', type: 'hb', body: { forged: true } }, guess));
    if (truncate && i % 5 === 2) {
      const f = frames[i % frames.length]!;
      await m.send(f.slice(0, Math.floor(f.length / 2)));
    }
    i += 1;
    await sleep(20);
  }
  console.log(`replayed ${i}`);
}
await m.close();
process.exit(0);
