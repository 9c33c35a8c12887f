// The receive path as one pure step: a frame from any medium, with the receiver's state, gives an
// accepted packet or a drop cause, and the next state (peer windows and drop counters).
import type { AuthKey } from '../config/cluster-config.ts';
import { countDrop, noDrops, type DropCause, type DropCounters } from './drop-cause.ts';
import { decodePacket, type Packet } from './packet.ts';
import { checkReplay, type PeerWindow } from './replay-window.ts';

/** Who may talk to this receiver and with which keys. */
export interface ReceiverContext {
  /** This node's (or the witness's) own name: its own packets looped back are dropped as `own`. */
  self: string;
  /** Senders accepted (the peer node, and the witness's name on the nodes). */
  senders: readonly string[];
  clusterId: number;
  keys: readonly AuthKey[];
}

/** Per-peer replay windows and the drop counters. */
export interface ReceiverState {
  peers: Readonly<Record<string, PeerWindow>>;
  drops: DropCounters;
  /** The last few frames accepted, as received, with their packets (copies on other media match them). */
  recent?: readonly { frame: Uint8Array; packet: Packet }[] | undefined;
}

/** Accepted frames remembered for copies: one per medium is enough; far inside REPLAY_WINDOW. */
const RECENT = 6;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** What became of one frame. `packet` is set on drops of authentic packets (own, not-for-us, duplicate, replay). */
export type Verdict =
  | { kind: 'accept'; packet: Packet; inOrder: boolean }
  | { kind: 'drop'; cause: DropCause; detail: string; packet?: Packet | undefined };

/** What a run keeps of one peer for the next: its newest generation and the highest seq accepted in it. */
export interface SavedPeer {
  generation: number;
  top: number;
}

/**
 * A receiver that has seen nothing in this run. `known` (saved by earlier runs, see savedPeers) makes
 * packets of an older generation, and of the same generation up to the saved seq, replays from the
 * first packet on; a bare number is a generation alone. Without it the first packet of each peer is
 * taken whatever its generation.
 */
export const newReceiverState = (known: Readonly<Record<string, number | SavedPeer>> = {}): ReceiverState => ({
  peers: Object.fromEntries(Object.entries(known).map(([node, k]) => [node,
    typeof k === 'number' ? { generation: k, top: -1, seen: [] } : { generation: k.generation, top: k.top, seen: [], floor: k.top }])),
  drops: noDrops(),
});

/** Each peer's newest generation seen: what a run saves (generation alone). */
export const peerGenerations = (state: ReceiverState): Record<string, number> =>
  Object.fromEntries(Object.entries(state.peers).map(([node, w]) => [node, w.generation]));

/** Each peer's newest generation and highest seq accepted in it: what to save for the next run's newReceiverState. */
export const savedPeers = (state: ReceiverState): Record<string, SavedPeer> =>
  Object.fromEntries(Object.entries(state.peers).map(([node, w]) => [node, { generation: w.generation, top: w.top }]));

/** Decodes, authenticates and checks one frame for replay; returns the verdict and the next state. */
export const receiveFrame = (state: ReceiverState, frame: Uint8Array, ctx: ReceiverContext): { verdict: Verdict; state: ReceiverState } => {
  const dropped = (cause: DropCause, detail: string, packet?: Packet): { verdict: Verdict; state: ReceiverState } =>
    ({ verdict: { kind: 'drop', cause, detail, packet }, state: { ...state, drops: countDrop(state.drops, cause) } });
  // Every packet goes out on every medium: a frame equal byte for byte to one accepted lately (same
  // generation still) is that packet again, authentic as it was; it is told a duplicate without
  // authenticating and parsing it again, exactly as the replay window would tell it.
  const copy = state.recent?.find((r) => sameBytes(r.frame, frame));
  if (copy && state.peers[copy.packet.from]?.generation === copy.packet.generation) {
    return dropped('duplicate', `seq ${copy.packet.seq} from ${copy.packet.from} seen already (another medium)`, copy.packet);
  }
  const d = decodePacket(frame, ctx.clusterId, ctx.keys);
  if (!d.ok) return dropped(d.cause, d.detail);
  const p = d.packet;
  if (p.from === ctx.self) return dropped('own', 'our own packet looped back', p);
  if (!ctx.senders.includes(p.from)) return dropped('unknown-node', `sender ${p.from} is not a node of this cluster`, p);
  if (p.to !== undefined && p.to !== ctx.self) return dropped('not-for-us', `addressed to ${p.to}`, p);
  const { outcome, window } = checkReplay(state.peers[p.from], p.generation, p.seq);
  if (outcome === 'replay') return dropped('replay', `generation ${p.generation} seq ${p.seq} is older than what ${p.from} sent`, p);
  if (outcome === 'duplicate') return dropped('duplicate', `seq ${p.seq} from ${p.from} seen already (another medium)`, p);
  return {
    verdict: { kind: 'accept', packet: p, inOrder: outcome === 'new' },
    state: { ...state, peers: { ...state.peers, [p.from]: window }, recent: [...(state.recent ?? []).slice(1 - RECENT), { frame: frame.slice(), packet: p }] },
  };
};
