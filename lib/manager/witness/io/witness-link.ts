// A node's way to the witness: one UDP socket sending to the configured host:port and passing every
// datagram it receives from there to the handler (the codec authenticates it).
import { createSocket } from 'node:dgram';
import type { WitnessLink } from '../../ports.ts';

/** Opens the link to `host:port`; send never throws (a lost request is asked again by the core). */
export const openWitnessLink = async (host: string, port: number, log: (line: string) => void): Promise<WitnessLink> => {
  const sock = createSocket('udp4');
  const handlers: ((frame: Uint8Array) => void)[] = [];
  let lastError = '';
  sock.on('message', (msg, from) => {
    if (from.port !== port) return;
    const frame = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    for (const h of handlers) h(frame);
  });
  sock.on('error', (e) => {
    if (e.message !== lastError) log(`Witness link: ${e.message}`);
    lastError = e.message;
  });
  await new Promise<void>((resolve) => sock.bind(0, () => resolve()));
  return {
    send(frame) {
      sock.send(frame, port, host, (e) => {
        if (e && e.message !== lastError) { lastError = e.message; log(`Witness link: ${e.message}`); }
      });
    },
    onFrame(h) { handlers.push(h); },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
};
