// serialport's own binding opens and configures the tty (baud, raw mode, lock) and waits for it to
// become readable or writable; this wrapper only changes how bytes move once it is open. The stock
// Unix read and write hand every call to libuv's thread pool, and each read ends by asking once more
// and getting EAGAIN: three wakeups of the daemon per chunk (the poll, the read, the empty read),
// about a quarter of its CPU at keepalive 100 ms. The descriptor is non-blocking (the stock code
// relies on EAGAIN too), so the same read(2) and write(2) are made here on the main thread, where
// they cannot block: one wakeup per chunk, the poll. Errors are classified as the stock code does, so
// a port that vanishes is a disconnect in both.
import { readSync, writeSync } from 'node:fs';

/** The opened port binding's parts this wrapper uses (serialport's LinuxPortBinding). */
interface PortBinding {
  fd: number | null;
  readonly isOpen: boolean;
  poller?: { once(event: 'readable' | 'writable', cb: (err: Error | null) => void): unknown };
  writeOperation?: Promise<void> | null;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
}

/** A serialport binding (list and open; the opened port is a PortBinding on Unix). */
export interface SerialBinding {
  list(): Promise<unknown>;
  open(options: object): Promise<unknown>;
}

const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** The stock binding's error shape: a vanished device is a disconnect, a closed port is a cancel. */
const classify = (e: NodeJS.ErrnoException): NodeJS.ErrnoException & { disconnect?: boolean } => {
  const err = e as NodeJS.ErrnoException & { disconnect?: boolean };
  if (e.code === 'EBADF' || e.code === 'ENXIO' || e.code === 'UNKNOWN' || e.errno === -1) err.disconnect = true;
  return err;
};
const closed = (): Error & { canceled: true } => Object.assign(new Error('Port is not open'), { canceled: true as const });

const waitFor = (port: PortBinding, event: 'readable' | 'writable'): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!port.poller) { reject(new Error('No poller on the port binding')); return; }
    port.poller.once(event, (err) => (err ? reject(err) : resolve()));
  });

/**
 * read(2) now; on EAGAIN wait for the poller and try again. End of file after the poller said
 * readable is a hang-up (the other end of a pty went away): a disconnect, not a loop.
 */
const readNow = async (port: PortBinding, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> => {
  for (let polled = false; ; polled = true) {
    if (!port.isOpen || port.fd === null) throw closed();
    let n: number;
    try {
      n = readSync(port.fd, buffer, offset, length, null);
    } catch (e) {
      if (!RETRY.has((e as NodeJS.ErrnoException).code ?? '')) throw classify(e as NodeJS.ErrnoException);
      n = -1;
    }
    if (n > 0) return { buffer, bytesRead: n };
    if (n === 0 && polled) throw Object.assign(new Error('end of file on the tty (hung up)'), { code: 'EOF', disconnect: true });
    await waitFor(port, 'readable');
  }
};

/** write(2) now, the rest after the poller says writable. */
const writeNow = async (port: PortBinding, buffer: Buffer): Promise<void> => {
  let offset = 0;
  while (offset < buffer.length) {
    if (!port.isOpen || port.fd === null) throw new Error('Port is not open');
    try {
      offset += writeSync(port.fd, buffer, offset, buffer.length - offset);
    } catch (e) {
      if (!RETRY.has((e as NodeJS.ErrnoException).code ?? '')) throw classify(e as NodeJS.ErrnoException);
      await waitFor(port, 'writable');
    }
  }
};

/** `base` (serialport's detected binding) with reads and writes made on the main thread. */
export const directIoBinding = (base: SerialBinding): SerialBinding => ({
  list: () => base.list(),
  open: async (options) => {
    const port = await base.open(options) as PortBinding;
    port.read = (buffer, offset, length) => readNow(port, buffer, offset, length);
    port.write = (buffer) => {
      const op = writeNow(port, buffer).finally(() => { if (port.writeOperation === op) port.writeOperation = null; });
      port.writeOperation = op;
      return op;
    };
    return port;
  },
});
