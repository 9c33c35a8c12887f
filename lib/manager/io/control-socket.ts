// The local control socket (/run/pgbeat/pgbeat.sock): one JSON request per line, one JSON answer per
// line. `pgbeat status`, `standby` and `takeover` are its clients.
import { createConnection, createServer, type Server } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The control socket's default path. */
export const CONTROL_SOCKET = '/run/pgbeat/pgbeat.sock';

/** A request to the daemon. */
export type ControlRequest = { command: 'status' } | { command: 'standby' | 'takeover'; waitMs: number };

/** Serves requests with `answer` until close(). */
export const serveControl = async (path: string, answer: (req: ControlRequest) => Promise<unknown>): Promise<{ close(): Promise<void> }> => {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  await rm(path, { force: true });
  const server: Server = createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) { if (buf.length > 4096) conn.destroy(); return; }
      const line = buf.slice(0, nl);
      buf = '';
      let req: ControlRequest;
      try { req = JSON.parse(line) as ControlRequest; } catch { conn.end(`${JSON.stringify({ error: 'not JSON' })}\n`); return; }
      answer(req).then((a) => conn.end(`${JSON.stringify(a)}\n`), (e: unknown) => conn.end(`${JSON.stringify({ error: (e as Error).message })}\n`));
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(path, () => resolve()); });
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** Sends one request and returns the daemon's answer; throws a sentence when no daemon answers. */
export const askControl = (path: string, req: ControlRequest, timeoutMs: number): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const conn = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => { conn.destroy(); reject(new Error(`no answer from the pgbeat daemon on ${path} within ${timeoutMs} ms`)); }, timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (c: string) => { buf += c; });
    conn.on('end', () => {
      clearTimeout(timer);
      try { resolve(JSON.parse(buf)); } catch { reject(new Error(`the pgbeat daemon gave a malformed answer: ${buf.slice(0, 200)}`)); }
    });
    conn.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot reach the pgbeat daemon on ${path}: ${e.message} (is pgbeat start running?)`)); });
  });
