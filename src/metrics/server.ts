// The opt-in Prometheus endpoint: GET /metrics on `host:port` (metrics= or --metrics=).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPE } from './registry.js';

/** `host:port` -> listen arguments (IPv6 in brackets). */
export function parseListen(address: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+):(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65535) return undefined;
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

/** A listening metrics endpoint. */
export class MetricsServer {
  private constructor(readonly server: Server, readonly address: string) {}

  /** Listen; `render` is called per scrape. Rejects when the address is invalid or busy. */
  static async listen(address: string, render: () => string): Promise<MetricsServer> {
    const at = parseListen(address);
    if (!at) throw new Error(`invalid metrics address ${address}, should be host:port`);
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        let body: string;
        try {
          body = render();
        } catch (err) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`);
          return;
        }
        res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('ldirectord-ts: see /metrics\n');
      }
    });
    // A scraper that stalls must not keep sockets forever.
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    return new MetricsServer(server, `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
