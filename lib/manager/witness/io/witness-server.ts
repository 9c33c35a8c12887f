// `pgbeat witness`: the witness as a UDP server. Persists its agreed state (fsynced) before any reply
// that depends on it, keeps time on the monotonic clock, and answers each authenticated request.
import { createSocket, type RemoteInfo } from 'node:dgram';
import type { ClusterConfig } from '../../config/cluster-config.ts';
import { fileStore } from '../../io/file-store.ts';
import { clusterIdOf } from '../../wire/packet.ts';
import { startGeneration } from '../../wire/io/generation-file.ts';
import { peerGenerationsStore } from '../../wire/io/peer-generations-file.ts';
import { savedPeersKeeper } from '../../wire/io/saved-peers-keeper.ts';
import { PEER_SAVE_INTERVAL_MS } from '../../wire/saved-peers.ts';
import { savedPeers } from '../../wire/receive.ts';
import { initWitness } from '../witness-state.ts';
import { newServiceState, serveFrame, type ServiceContext } from '../witness-service.ts';
import { formatStoredState, parseStoredState } from '../witness-wire.ts';
import { deriveTimings } from '../../core/core-config.ts';

/** Where the witness listens and keeps its files. */
export interface WitnessServerOptions {
  config: ClusterConfig;
  /** Address to bind (default: every address) and port (default: the configured witness port). */
  bind?: string | undefined;
  port?: number | undefined;
  statePath?: string | undefined;
  generationPath?: string | undefined;
  /** The nodes' generations and highest seqs seen (the witness's own file). */
  peersPath?: string | undefined;
  log: (level: 'info' | 'warn', line: string) => void;
  signal: AbortSignal;
}

/** Runs the witness until `signal` aborts. */
export const runWitnessServer = async (o: WitnessServerOptions): Promise<void> => {
  const { config } = o;
  const [a, b] = config.nodes;
  if (a === undefined || b === undefined) throw new RangeError('Cannot run the witness: ha.cf names fewer than two nodes');
  const store = fileStore(o.statePath ?? '/var/lib/pgbeat/witness-state', formatStoredState, parseStoredState);
  const persisted = await store.load();
  const generation = await startGeneration(o.generationPath ?? '/var/lib/pgbeat/witness-generation');
  const t = deriveTimings(config.keepaliveMs, config.deadtimeMs);
  const signKey = config.auth.keys.find((k) => k.index === config.auth.index) ?? { index: config.auth.index, method: config.auth.method, key: config.auth.key };
  const ctx: ServiceContext = { cfg: { nodes: [a, b], leaseMs: t.leaseMs, rho: t.rho }, clusterId: clusterIdOf(config.cluster), generation, signKey, keys: config.auth.keys };
  const peersStore = peerGenerationsStore(o.peersPath ?? '/var/lib/pgbeat/witness-peer-generations');
  const known = await peersStore.load() ?? {};
  const keeper = savedPeersKeeper(peersStore, known, PEER_SAVE_INTERVAL_MS, () => performance.now(), (l) => o.log('warn', l));
  let st = newServiceState(initWitness(performance.now(), persisted), known);
  o.log('info', persisted === undefined
    ? 'Witness started without a stored state: no grant until both nodes have been heard.'
    : `Witness started with epoch ${persisted.epoch}; no takeover for one lease (${Math.ceil(t.leaseMs * (1 + t.rho))} ms).`);
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  // One frame at a time, so persist-then-reply keeps the order of requests.
  let chain = Promise.resolve();
  const onMessage = (frame: Buffer, from: RemoteInfo): void => {
    chain = chain.then(async () => {
      const out = serveFrame(ctx, st, new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength), performance.now());
      st = out.st;
      keeper.note(savedPeers(st.rx));
      if (out.log) o.log('info', out.log);
      if (out.persist) await store.save(out.persist);
      if (out.reply) sock.send(out.reply, from.port, from.address);
    }).catch((e: unknown) => o.log('warn', `Witness request failed: ${(e as Error).message}`));
  };
  sock.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(o.port ?? config.witness?.port ?? config.udpport, o.bind, () => { sock.off('error', reject); resolve(); });
  });
  o.log('info', `Witness listening on ${o.bind ?? '0.0.0.0'}:${sock.address().port} for ${a} and ${b}.`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    else o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await chain;
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  await keeper.flush();
};
