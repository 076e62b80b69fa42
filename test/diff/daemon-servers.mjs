// Loopback HTTP real servers whose state a test can switch at any time.
// Used by daemon-side-by-side.mjs (in process). Modes:
//   up       200 "ok\n"
//   500      500 "broken\n"
//   hung     accept, read the request, never answer
//   refused  listener closed, every open connection reset (RST)
import net from 'node:net';

const RESP = {
  up: 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n',
  500: 'HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nbroken\n',
};

export class RealServer {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.mode = 'refused';
    this.server = null;
    this.sockets = new Set();
    this.requests = 0;
  }

  async set(mode) {
    if (!['up', '500', 'hung', 'refused'].includes(mode)) throw new Error(`bad mode ${mode}`);
    this.mode = mode;
    if (mode === 'refused') {
      for (const s of this.sockets) s.resetAndDestroy();
      this.sockets.clear();
      if (this.server) {
        const srv = this.server;
        this.server = null;
        await new Promise((r) => srv.close(() => r()));
      }
      return;
    }
    if (!this.server) await this.listen();
  }

  listen() {
    const srv = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      sock.on('error', () => {});
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        if (!buf.includes('\r\n\r\n')) return;
        this.requests++;
        if (this.mode === 'hung') return; // keep it open, say nothing
        const r = RESP[this.mode] ?? RESP[500];
        sock.end(r);
        buf = '';
      });
    });
    srv.maxConnections = 10000;
    this.server = srv;
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen({ host: this.host, port: this.port, backlog: 511 }, () => resolve());
    });
  }
}
