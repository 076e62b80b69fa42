// Real loopback servers for check tests, well-behaved and hostile: each listens
// on an ephemeral port of the given loopback address (127.0.0.1 or ::1) and
// records what it was sent, so tests assert on the real dialogue. No mocks.
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const FIXTURES = fileURLToPath(new URL('../fixtures/checks/', import.meta.url));

/** The self-signed test certificate (SAN: localhost, www.example.test, 127.0.0.1, ::1). */
export const TLS_CERT_FILE = `${FIXTURES}tls-cert.pem`;
/** Its private key. */
export const TLS_KEY_FILE = `${FIXTURES}tls-key.pem`;

/** The TCP socket under a TLS socket of our servers. */
const rawOf = new WeakMap<Socket, Socket>();

/** Send a TCP RST on the connection (under TLS too). */
export function resetConnection(socket: Socket): void {
  (rawOf.get(socket) ?? socket).resetAndDestroy();
}

/** A running test server. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Raw request heads (or, for raw servers, everything received per connection once closed). */
  readonly requests: string[];
  /** TLS servers: the SNI of each connection (false when none was sent). */
  readonly servernames: (string | false)[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Destroy every connection and stop listening. */
  close(): Promise<void>;
}

/** Start a raw TCP (or TLS) server that hands each socket to onSocket. */
export async function startTcpServer(
  host: string,
  onSocket: (socket: Socket, server: TestServer) => void,
  opts: { tls?: boolean } = {},
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const requests: string[] = [];
  const servernames: (string | false)[] = [];
  const server: Server = createNetServer();
  const cert = opts.tls ? readFileSync(TLS_CERT_FILE) : undefined;
  const key = opts.tls ? readFileSync(TLS_KEY_FILE) : undefined;
  let handle: TestServer;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  };
  server.on('connection', (raw: Socket) => {
    count++;
    track(raw);
    if (!opts.tls) return onSocket(raw, handle);
    // TLS over a raw socket we keep, so that a test can reset the TCP connection under TLS.
    const socket = new TLSSocket(raw, { isServer: true, cert, key });
    rawOf.set(socket, raw);
    track(socket);
    socket.once('secure', () => {
      servernames.push((socket as unknown as { servername: string | false }).servername);
      onSocket(socket, handle);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  handle = {
    host,
    port,
    requests,
    servernames,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}

/** What a hostile HTTP server does once it has read a request head. */
export type HostileKind =
  | 'ok' // answer `status reason` with body (defaults 200 OK, "Hello")
  | 'never-answer' // read the request, say nothing, keep the connection
  | 'slow' // wait delayMs, then answer as 'ok'
  | 'trickle' // headers with a large Content-Length, then one byte every 50 ms forever
  | 'garbage' // bytes that are not HTTP, then close
  | 'huge' // Content-Length: bytes, zeros streamed as fast as the peer reads
  | 'reset' // headers and part of the body, then a TCP RST
  | 'close-early' // headers and part of the body, then a clean FIN (body shorter than Content-Length)
  | 'redirect' // `status` (default 302) with Location: location
  | 'no-length'; // 200 without Content-Length, body delimited by the close

/** Options of startHostileServer. */
export interface HostileOptions {
  host?: string;
  tls?: boolean;
  status?: number;
  reason?: string;
  body?: string;
  delayMs?: number;
  bytes?: number;
  location?: string | ((request: string) => string);
  headers?: Record<string, string>;
}

/** Start an HTTP(S) server that misbehaves as `kind` says. */
export function startHostileServer(kind: HostileKind, opts: HostileOptions = {}): Promise<TestServer> {
  const host = opts.host ?? '127.0.0.1';
  return startTcpServer(
    host,
    (socket, server) => {
      let buf = '';
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        if (answered) return;
        buf += chunk.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        answered = true;
        const head = buf.slice(0, end);
        server.requests.push(head);
        respond(kind, opts, socket, head);
      });
    },
    { tls: opts.tls },
  );
}

function headLines(status: number, reason: string, headers: Record<string, string>): string {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

function respond(kind: HostileKind, opts: HostileOptions, socket: Socket, head: string): void {
  const isHead = head.startsWith('HEAD ');
  const extra = opts.headers ?? {};
  const simple = (status: number, reason: string, body: string, headers: Record<string, string> = {}): void => {
    const h = { 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...headers, ...extra };
    socket.end(headLines(status, reason, h) + (isHead ? '' : body));
  };
  switch (kind) {
    case 'ok':
      return simple(opts.status ?? 200, opts.reason ?? 'OK', opts.body ?? 'Hello');
    case 'slow':
      setTimeout(() => simple(opts.status ?? 200, opts.reason ?? 'OK', opts.body ?? 'Hello'), opts.delayMs ?? 1000);
      return;
    case 'never-answer':
      return;
    case 'garbage':
      socket.end('SSH-2.0-OpenSSH_9.2 not http at all\r\n\x00\x01\x02 more bytes\r\n\r\n');
      return;
    case 'redirect': {
      const loc = typeof opts.location === 'function' ? opts.location(head) : (opts.location ?? '/');
      return simple(opts.status ?? 302, opts.reason ?? 'Found', '', { Location: loc });
    }
    case 'no-length':
      socket.end(headLines(200, 'OK', { Connection: 'close', ...extra }) + (isHead ? '' : (opts.body ?? 'Hello')));
      return;
    case 'trickle': {
      socket.write(headLines(200, 'OK', { 'Content-Length': '1000000', ...extra }));
      const timer = setInterval(() => socket.write('x'), 50);
      socket.on('close', () => clearInterval(timer));
      return;
    }
    case 'reset':
    case 'close-early': {
      socket.write(headLines(200, 'OK', { 'Content-Length': '100000', ...extra }) + 'partial body '.repeat(10));
      setTimeout(() => (kind === 'reset' ? resetConnection(socket) : socket.end()), 50);
      return;
    }
    case 'huge': {
      const total = opts.bytes ?? 1024 ** 3;
      socket.write(headLines(200, 'OK', { 'Content-Length': String(total), ...extra }));
      if (isHead) return void socket.end();
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < total && !socket.destroyed) {
          const n = Math.min(chunk.length, total - sent);
          sent += n;
          if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump);
        }
        if (!socket.destroyed) socket.end();
      };
      pump();
      return;
    }
  }
}

/** A port on host where nothing listens (connections are refused). */
export async function closedPort(host: string): Promise<number> {
  const s = await startTcpServer(host, () => {});
  await s.close();
  return s.port;
}

/** A listener that never accepts, in a separate perl process (Node always accepts). */
export interface NeverAcceptListener {
  readonly host: string;
  readonly port: number;
  /**
   * Fill the accept queue so that further SYNs are dropped by the kernel:
   * the only way to get a real "no handshake" on loopback.
   */
  fill(): Promise<void>;
  close(): Promise<void>;
}

/** Start a listening socket (backlog 1) that never calls accept(). */
export async function startNeverAcceptListener(host: string): Promise<NeverAcceptListener> {
  const script =
    'use IO::Socket::IP; $|=1; my $s = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => 0, Listen => 1) ' +
    'or die "listen: $@"; print $s->sockport, "\\n"; sleep 600;';
  const child = spawn('perl', ['-e', script, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`never-accept listener exited ${code}`)));
  });
  const fillers: Socket[] = [];
  return {
    host,
    port,
    fill: async () => {
      // Connect until one handshake does not complete: the accept queue is full.
      for (let i = 0; i < 16; i++) {
        const s = connect({ host, port });
        s.on('error', () => {});
        fillers.push(s);
        const done = await Promise.race([
          new Promise<boolean>((r) => s.once('connect', () => r(true))),
          sleep(300).then(() => false),
        ]);
        if (!done) return;
      }
      throw new Error('accept queue never filled');
    },
    close: async () => {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The loopback addresses every network test runs against. */
export const LOOPBACKS = ['127.0.0.1', '::1'] as const;
