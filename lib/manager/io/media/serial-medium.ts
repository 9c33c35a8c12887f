// The serial heartbeat medium: a tty (null-modem cable) at the configured baud, raw 8N1, frames wrapped
// for the byte stream (wire/stream-framing.ts). A port that errors, disappears or cannot be opened is
// reopened with backoff (100 ms doubling to 5 s), never in a busy loop; a write backlog (nobody reading
// the other end) drops frames instead of queueing without bound. serialport (a native binding) is
// loaded on first open only, so commands without a serial medium never load it, and a binding that
// cannot load shows as the medium being down with the reason.
import type { MediumConfig } from '../../config/cluster-config.ts';
import { MEDIUM_BACKOFF, type BackoffPolicy } from '../../media/backoff.ts';
import { StreamDeframer, frameForStream } from '../../wire/stream-framing.ts';
import { ReopeningMedium, type LinkOpener } from './reopening-link.ts';
import { directIoBinding, type SerialBinding } from './serial-binding.ts';

type SerialConfig = Extract<MediumConfig, { kind: 'serial' }>;

/** Bytes queued for the tty beyond which new frames are dropped (about 4 s at 19200 baud). */
const MAX_BACKLOG = 8192;

/** The medium's name for logs and status ("serial /dev/ttyS0"). */
export const serialMediumName = (m: SerialConfig): string => `serial ${m.device}`;

const openSerialLink = (m: SerialConfig): LinkOpener => async (deliver, fail) => {
  const { SerialPort } = await import('serialport');
  const binding = directIoBinding(SerialPort.binding as SerialBinding);
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: m.device, baudRate: m.baud, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false, binding } as ConstructorParameters<typeof SerialPort>[0]);
    const deframer = new StreamDeframer();
    port.open((err) => {
      if (err) {
        port.removeAllListeners();
        reject(err);
        return;
      }
      port.on('data', (chunk: Buffer) => {
        for (const f of deframer.push(chunk)) deliver(f);
      });
      port.on('error', (e: Error) => fail(`port error: ${e.message}`));
      port.on('close', (e: Error | null) => fail(e ? `port closed: ${e.message}` : 'port closed'));
      resolve({
        send: (frame) =>
          new Promise<void>((ok, ko) => {
            if (!port.isOpen) {
              ko(new Error('port is not open'));
              return;
            }
            if (port.writableLength > MAX_BACKLOG) {
              ko(new Error(`${port.writableLength} bytes still queued (no reader on the other end?)`));
              return;
            }
            port.write(Buffer.from(frameForStream(frame)), (e) => (e ? ko(e) : ok()));
          }),
        close: () =>
          new Promise<void>((ok) => {
            port.removeAllListeners('close');
            port.removeAllListeners('error');
            port.on('error', () => undefined);
            if (!port.isOpen) {
              ok();
              return;
            }
            port.close(() => ok());
          }),
      });
    });
  });
};

/** Opens a serial heartbeat medium; it returns at once and keeps (re)opening the tty with backoff. */
export const openSerialMedium = (m: SerialConfig, policy: BackoffPolicy = MEDIUM_BACKOFF): ReopeningMedium =>
  new ReopeningMedium(serialMediumName(m), openSerialLink(m), policy);
