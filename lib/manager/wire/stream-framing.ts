// Frames on a byte stream (the serial line): each packet is wrapped as
//   A5 5A | u16 length | u16 ~length | packet | u32 CRC-32 of the packet
// so a reader can find frames again after line noise, a cut frame or a late start: it scans for the
// sync bytes, checks the length against its complement and the bound, and the CRC before handing on.
import { crc32 } from './crc32.ts';
import { MAX_PACKET } from './packet.ts';

const SYNC0 = 0xa5;
const SYNC1 = 0x5a;
const HEADER = 6;
const TRAILER = 4;

/** Wraps one packet for a byte stream. */
export const frameForStream = (packet: Uint8Array): Uint8Array => {
  if (packet.length > MAX_PACKET) throw new RangeError(`Cannot frame ${packet.length} bytes: over ${MAX_PACKET}`);
  const out = new Uint8Array(HEADER + packet.length + TRAILER);
  const v = new DataView(out.buffer);
  out[0] = SYNC0;
  out[1] = SYNC1;
  v.setUint16(2, packet.length);
  v.setUint16(4, ~packet.length & 0xffff);
  out.set(packet, HEADER);
  v.setUint32(HEADER + packet.length, crc32(packet));
  return out;
};

/** What the deframer threw away so far: bytes outside frames, frames failing the CRC, oversized headers, frames cut short. */
export interface DeframerStats {
  garbageBytes: number;
  corrupt: number;
  oversized: number;
  truncated: number;
}

/** Reassembles frames from arbitrary chunks of a stream; keeps at most one frame's worth of bytes. */
export class StreamDeframer {
  private buf = new Uint8Array(0);
  readonly stats: DeframerStats = { garbageBytes: 0, corrupt: 0, oversized: 0, truncated: 0 };

  /** Adds received bytes; returns the whole packets they complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      const start = this.findSync(joined, at);
      this.stats.garbageBytes += start - at;
      at = start;
      if (joined.length - at < HEADER) break;
      const v = new DataView(joined.buffer, joined.byteOffset + at);
      const length = v.getUint16(2);
      if ((~v.getUint16(4) & 0xffff) !== length) {
        // Not a header after all (noise that looked like sync): move past the first sync byte.
        this.stats.garbageBytes += 1;
        at += 1;
        continue;
      }
      if (length > MAX_PACKET) {
        this.stats.oversized += 1;
        this.stats.garbageBytes += 1;
        at += 1;
        continue;
      }
      if (joined.length - at < HEADER + length + TRAILER) {
        // Incomplete: if a whole valid frame starts inside it, this one was cut short (truncated).
        const next = this.nextWholeFrame(joined, at + 1);
        if (next < 0) break;
        this.stats.truncated += 1;
        this.stats.garbageBytes += next - at;
        at = next;
        continue;
      }
      const packet = joined.slice(at + HEADER, at + HEADER + length);
      if (v.getUint32(HEADER + length) !== crc32(packet)) {
        this.stats.corrupt += 1;
        this.stats.garbageBytes += 1;
        at += 1;
        continue;
      }
      frames.push(packet);
      at += HEADER + length + TRAILER;
    }
    this.buf = joined.slice(at);
    return frames;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Forgets a partial frame (after the port was reopened). */
  reset(): void {
    this.buf = new Uint8Array(0);
  }

  // Start of the first whole frame with a good header and CRC at or after `from`, or -1.
  private nextWholeFrame(b: Uint8Array, from: number): number {
    for (let i = this.findSync(b, from); i + HEADER <= b.length; i = this.findSync(b, i + 1)) {
      const v = new DataView(b.buffer, b.byteOffset + i);
      const length = v.getUint16(2);
      if ((~v.getUint16(4) & 0xffff) !== length || length > MAX_PACKET || b.length - i < HEADER + length + TRAILER) continue;
      if (v.getUint32(HEADER + length) === crc32(b.subarray(i + HEADER, i + HEADER + length))) return i;
    }
    return -1;
  }

  // Index of the next sync pair at or after `from`; a lone SYNC0 at the very end is kept (its pair may follow).
  private findSync(b: Uint8Array, from: number): number {
    for (let i = from; i < b.length; i++) {
      if (b[i] !== SYNC0) continue;
      if (i + 1 === b.length || b[i + 1] === SYNC1) return i;
    }
    return b.length;
  }
}
