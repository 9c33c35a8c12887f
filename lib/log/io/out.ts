// Writing to stdout/stderr without building process.stdout/stderr streams: those load Node's
// stream machinery (measured about 2-3 ms per start), which meta-data and a monitor do not need.
import { writeSync } from 'node:fs';

const writeAll = (fd: number, text: string): void => {
  let buf = Buffer.from(text, 'utf8');
  for (let tries = 0; buf.length > 0 && tries < 10_000; tries++) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      // A non-blocking pipe that is full: wait for the reader and try again.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
};

/** Writes data to stdout (meta-data XML, methods, usage, v1 status words). */
export const writeOut = (text: string): void => writeAll(1, text);

/** Writes diagnostics to stderr (exit reasons, log lines). */
export const writeErr = (text: string): void => writeAll(2, text);
