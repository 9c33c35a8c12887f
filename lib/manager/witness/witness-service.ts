// The witness as one pure step per received frame: authenticate and check it (the shared receive path),
// answer the request, and sign the reply. The UDP adapter only moves bytes, keeps time and persists
// `persist` before it sends `reply`.
import type { AuthKey } from '../config/cluster-config.ts';
import { encodePacket } from '../wire/packet.ts';
import { newReceiverState, receiveFrame, type ReceiverState, type SavedPeer } from '../wire/receive.ts';
import type { AgreedState } from '../core/agreed-state.ts';
import { handleRequest, type WitnessConfig, type WitnessState } from './witness-state.ts';
import { REPLY_TYPE, REQUEST_TYPE, WITNESS_NAME, parseWitnessRequest } from './witness-wire.ts';

/** What the witness service keeps between frames. */
export interface ServiceState {
  ws: WitnessState;
  rx: ReceiverState;
  /** Sequence of the witness's own packets in this generation. */
  seq: number;
}

/** The witness service's fixed context. */
export interface ServiceContext {
  cfg: WitnessConfig;
  clusterId: number;
  generation: number;
  /** The active key signs replies; every key verifies requests. */
  signKey: AuthKey;
  keys: readonly AuthKey[];
}

/** A service around a witness state; `known` is what an earlier run saved of the nodes' packets (savedPeers). */
export const newServiceState = (ws: WitnessState, known: Readonly<Record<string, SavedPeer>> = {}): ServiceState => ({ ws, rx: newReceiverState(known), seq: 0 });

/** One frame in: the next state, what to persist first, the signed reply (if any), a log line (if any). */
export const serveFrame = (ctx: ServiceContext, st: ServiceState, frame: Uint8Array, now: number): {
  st: ServiceState; persist: AgreedState | null; reply: Uint8Array | null; to: string | null; log: string | null;
} => {
  const r = receiveFrame(st.rx, frame, { self: WITNESS_NAME, senders: ctx.cfg.nodes, clusterId: ctx.clusterId, keys: ctx.keys });
  const base = { ...st, rx: r.state };
  if (r.verdict.kind === 'drop') return { st: base, persist: null, reply: null, to: null, log: `dropped a frame (${r.verdict.cause}): ${r.verdict.detail}` };
  const p = r.verdict.packet;
  if (p.type !== REQUEST_TYPE) return { st: base, persist: null, reply: null, to: null, log: `ignored a ${p.type} packet from ${p.from}` };
  const req = parseWitnessRequest(p.from, p.body);
  if (typeof req === 'string') return { st: base, persist: null, reply: null, to: null, log: `dropped a request from ${p.from}: ${req}` };
  const out = handleRequest(ctx.cfg, st.ws, req, now);
  const seq = st.seq + 1;
  const reply = encodePacket({
    clusterId: ctx.clusterId, generation: ctx.generation, seq, from: WITNESS_NAME, to: req.from, type: REPLY_TYPE,
    body: out.reply as unknown as Record<string, unknown>,
  }, ctx.signKey);
  return { st: { ws: out.ws, rx: r.state, seq }, persist: out.persist, reply, to: req.from, log: out.sentence };
};
