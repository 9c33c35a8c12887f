// The metrics listener: a plain HTTP server that answers GET /metrics with the exposition text the
// given function renders at that moment (nothing is cached or computed between scrapes).
import { createServer, type Server } from 'node:http';
import { EXPOSITION_CONTENT_TYPE } from '../exposition.ts';
import type { ListenAddress } from '../listen-address.ts';

/** A running listener. */
export interface MetricsServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Listens on `at`; GET /metrics (or /) answers render(), anything else 404 or 405. */
export const serveMetrics = async (at: ListenAddress, render: () => string): Promise<MetricsServer> => {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/') { res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics\n'); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed\n'); return; }
    let body: string;
    try { body = render(); } catch (e) { res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`); return; }
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(at.port, at.host, () => resolve()); });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : at.port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};
