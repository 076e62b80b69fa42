// Side by side: the real ldirectord's check_http (LWP, through
// protocols-harness.pl) and our http check against the same loopback server
// sending the same bytes, for well-formed, odd and broken answers. Prints
// `case ldirectord ours`. Run through http-side-by-side.sh (it compiles this
// file first); needs /usr/sbin/ldirectord (Debian package ldirectord).
import { createServer, type Server, type Socket } from 'node:net';
import { httpCheck } from '../../src/checks/http.js';
import { makeTarget, runWithDeadline } from '../helpers/target.js';
import { ldirectordVerdict } from './harness.js';

const TIMEOUT = 2;
const HOST = '127.0.0.1';

/** What the server does with a connection once the request has arrived. */
type Answer = (socket: Socket) => void;

const send = (bytes: string, close = true): Answer => (s) => (close ? s.end(bytes, 'latin1') : s.write(bytes, 'latin1'));

const CASES: [string, Answer][] = [
  ['200 with Content-Length', send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK')],
  ['200, no reason phrase', send('HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nOK')],
  ['HTTP/1.0, body to close', send('HTTP/1.0 200 OK\r\n\r\nOK')],
  ['chunked', send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n')],
  ['100 Continue, then 200', send('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK')],
  ['204 No Content', send('HTTP/1.1 204 No Content\r\n\r\n')],
  ['404', send('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')],
  ['200, keep-alive, no close', send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK', false)],
  ['bare LF line ends', send('HTTP/1.1 200 OK\nContent-Length: 2\n\nOK')],
  ['non-HTTP banner', send('SSH-2.0-OpenSSH_9.2p1\r\n')],
  ['nothing, then close', send('')],
  ['body shorter than Content-Length', send('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nOK')],
  ['chunked, cut before the last chunk', send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n')],
  ['two different Content-Lengths', send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nOK')],
  ['Content-Length and chunked', send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n')],
  ['obs-fold header', send('HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nOK')],
  ['20 KiB header', send(`HTTP/1.1 200 OK\r\nX-A: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\nOK`)],
  ['101 Switching Protocols', send('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n')],
  ['reset mid-body', (s) => (s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'), setTimeout(() => s.resetAndDestroy(), 50))],
  ['body trickling past the deadline', (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('x')), 500);
  }],
  ['headers, then silence', send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', false)],
  ['silence', () => {}],
];

function serve(answer: Answer): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => answer(s));
  });
  return new Promise((resolve) => server.listen(0, HOST, () => resolve({ server, port: (server.address() as { port: number }).port })));
}

function ldirectord(port: number): Promise<string> {
  return ldirectordVerdict({ service: 'http', server: HOST, port, request: '/', timeout: TIMEOUT }, TIMEOUT * 4);
}

async function ours(port: number): Promise<string> {
  const t = makeTarget({ ip: HOST, port, virtual: { service: 'http', negotiatetimeout: TIMEOUT } });
  const r = await runWithDeadline((signal) => httpCheck(t, signal), TIMEOUT * 1000);
  return `${r.ok ? 'up' : 'down'}(${(r.durationMs / 1000).toFixed(1)}s ${r.code}) ${r.message}`;
}

async function main(): Promise<void> {
  const widths = [36, 16];
  console.log(['case', 'ldirectord', 'ours'].map((x, i) => x.padEnd(widths[i] ?? 0)).join(' '));
  for (const [name, answer] of CASES) {
    // Each side gets its own server instance, so neither sees the other's connection.
    const a = await serve(answer);
    const b = await serve(answer);
    try {
      const [theirs, mine] = await Promise.all([ldirectord(a.port), ours(b.port)]);
      console.log([name, theirs, mine].map((x, i) => x.padEnd(widths[i] ?? 0)).join(' '));
    } finally {
      a.server.close();
      b.server.close();
      // Connections left open by never-ending answers are not waited for.
      a.server.unref();
      b.server.unref();
    }
  }
  process.exit(0);
}

await main();
