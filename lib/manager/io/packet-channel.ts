// Signing and checking pgbeat packets for the daemon: this run's generation and sequence on the way
// out, the replay windows and per-cause drop counters on the way in (the codec itself is pure).
import type { ClusterConfig } from '../config/cluster-config.ts';
import type { DropCounters } from '../wire/drop-cause.ts';
import { clusterIdOf, encodePacket } from '../wire/packet.ts';
import { newReceiverState, receiveFrame, savedPeers, type SavedPeer } from '../wire/receive.ts';
import { WITNESS_NAME } from '../witness/witness-wire.ts';
import type { Received } from './daemon.ts';

/** The daemon's packet channel. */
export interface PacketChannel {
  encode(type: string, body: Record<string, unknown>, to?: string): Uint8Array;
  decode(frame: Uint8Array): Received | null;
  drops(): DropCounters;
}

/**
 * A channel for node `self` of `config`, in run `generation`; `known` is what an earlier run saved of
 * its peers (their generations and highest seqs), `onWindows` hears what to save after each accepted frame.
 */
export const packetChannel = (config: ClusterConfig, self: string, generation: number, onDrop: (line: string) => void,
  known: Readonly<Record<string, SavedPeer>> = {}, onWindows: (w: Record<string, SavedPeer>) => void = () => undefined): PacketChannel => {
  const clusterId = clusterIdOf(config.cluster);
  const key = config.auth.keys.find((k) => k.index === config.auth.index) ?? { index: config.auth.index, method: config.auth.method, key: config.auth.key };
  const senders = [...config.nodes.filter((n) => n !== self), WITNESS_NAME];
  let seq = 0;
  let rx = newReceiverState(known);
  return {
    encode: (type, body, to) => encodePacket({ clusterId, generation, seq: ++seq, from: self, to, type, body }, key),
    decode(frame) {
      const r = receiveFrame(rx, frame, { self, senders, clusterId, keys: config.auth.keys });
      rx = r.state;
      const v = r.verdict;
      if (v.kind === 'accept') {
        onWindows(savedPeers(rx));
        return { from: v.packet.from, type: v.packet.type, body: v.packet.body, duplicate: false };
      }
      // The same packet again, on another medium: authentic, so it proves that medium works (heartbeat
      // sends every packet on every medium); the daemon uses it for the link's state only.
      if (v.cause === 'duplicate' && v.packet) return { from: v.packet.from, type: v.packet.type, body: v.packet.body, duplicate: true };
      if (v.cause !== 'duplicate' && v.cause !== 'own') onDrop(`Dropped a frame (${v.cause}): ${v.detail}`);
      return null;
    },
    drops: () => rx.drops,
  };
};
