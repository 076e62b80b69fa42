import { describe, expect, test } from '@jest/globals';
import { createHttpCheck, httpCheck } from '../../src/checks/http.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import type { CheckTarget } from '../../src/checks/types.js';
import { makeTarget, runWithDeadline, type TargetOptions } from '../helpers/target.js';
import { synSentTo } from '../helpers/procs.js';
import {
  LOOPBACKS,
  TLS_CERT_FILE,
  closedPort,
  startHostileServer,
  startNeverAcceptListener,
  startTcpServer,
  type HostileKind,
  type HostileOptions,
  type TestServer,
} from '../helpers/servers.js';

const SLACK = 5000; // hang guard only: a check must settle well within deadline + SLACK

async function withServer<T>(kind: HostileKind, opts: HostileOptions, fn: (s: TestServer) => Promise<T>): Promise<T> {
  const srv = await startHostileServer(kind, opts);
  try {
    return await fn(srv);
  } finally {
    await srv.close();
  }
}

function target(srv: { host: string; port: number }, service: 'http' | 'https', o: TargetOptions = {}): CheckTarget {
  return makeTarget({ ...o, ip: srv.host, port: srv.port, virtual: { service, ...o.virtual } });
}

async function check(t: CheckTarget, deadlineMs = 5000, fn = httpCheck): Promise<CheckResult> {
  const t0 = Date.now();
  const r = await runWithDeadline((s) => fn(t, s), deadlineMs);
  expect(Date.now() - t0).toBeLessThan(deadlineMs + SLACK);
  return r;
}

const header = (head: string, name: string): string | undefined =>
  head
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();

describe.each(LOOPBACKS)('http/https on %s', (host) => {
  const bracketed = host.includes(':') ? `[${host}]` : host;

  describe.each(['http', 'https'] as const)('%s', (service) => {
    const tls = service === 'https';

    test('200 with matching body is up; message is the status line; Host is the real ip without port', async () => {
      await withServer('ok', { host, tls, body: 'all is well' }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: 'is w.ll' } }));
        expect(r).toMatchObject({ ok: true, code: CheckCode.L7OK, message: '200 OK' });
        expect(srv.requests[0]).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
        expect(header(srv.requests[0]!, 'host')).toBe(bracketed);
        expect(header(srv.requests[0]!, 'user-agent')).toMatch(/libwww-perl/);
      });
    });

    test('request path and virtualhost are used (Host header and, for https, SNI)', async () => {
      await withServer('ok', { host, tls }, async (srv) => {
        const t = target(srv, service, { virtual: { virtualhost: 'www.example.test', request: '/health?x=1' } });
        const r = await check(t);
        expect(r.ok).toBe(true);
        expect(srv.requests[0]).toMatch(/^GET \/health\?x=1 HTTP\/1\.1/);
        expect(header(srv.requests[0]!, 'host')).toBe('www.example.test');
        if (tls) expect(srv.servernames).toEqual(['www.example.test']);
      });
    });

    test('httpmethod=HEAD sends HEAD and passes on 200', async () => {
      await withServer('ok', { host, tls }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { httpmethod: 'HEAD' } }));
        expect(r).toMatchObject({ ok: true, message: '200 OK' });
        expect(srv.requests[0]).toMatch(/^HEAD \/ HTTP\/1\.1/);
      });
    });

    test('2xx with a body that does not match receive is down (L7RSP)', async () => {
      await withServer('ok', { host, tls, body: 'maintenance' }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: '^OK$' } }));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
        expect(r.message).toMatch(/^200 OK: body does not match receive/);
      });
    });

    test('an invalid receive regex is a clear failure, no request sent', async () => {
      await withServer('ok', { host, tls }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: 'a(b' } }));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
        expect(r.message).toMatch(/invalid receive regex \/a\(b\//);
        expect(srv.connections()).toBe(0);
      });
    });

    test.each([
      [404, 'Not Found', '404 Not Found'],
      [503, 'Service Unavailable', '503 Service Unavailable'],
      [500, '', '500 Internal Server Error'],
      [204, 'No Content', undefined],
    ])('status %i is judged by its class', async (status, reason, line) => {
      await withServer('ok', { host, tls, status, reason, body: '' }, async (srv) => {
        const r = await check(target(srv, service));
        if (line === undefined) expect(r).toMatchObject({ ok: true, message: '204 No Content' });
        else expect(r).toMatchObject({ ok: false, code: CheckCode.L7STS, message: line });
      });
    });

    test('a server that never answers: L7TOUT at the deadline', async () => {
      await withServer('never-answer', { host, tls }, async (srv) => {
        const r = await check(target(srv, service), 300);
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7TOUT });
      });
    });

    test('a slow answer within the deadline is up, over it is L7TOUT', async () => {
      await withServer('slow', { host, tls, delayMs: 100 }, async (srv) => {
        expect((await check(target(srv, service), 3000)).ok).toBe(true);
      });
      await withServer('slow', { host, tls, delayMs: 3000 }, async (srv) => {
        expect(await check(target(srv, service), 200)).toMatchObject({ ok: false, code: CheckCode.L7TOUT });
      });
    });

    test('a body still trickling at the deadline is a failure (LWP would say up)', async () => {
      await withServer('trickle', { host, tls }, async (srv) => {
        const r = await check(target(srv, service), 400);
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7TOUT });
      });
    });

    test('garbage instead of HTTP is a failure (no HTTP/0.9 "200 Assumed OK")', async () => {
      await withServer('garbage', { host, tls }, async (srv) => {
        const r = await check(target(srv, service));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
        expect(r.message).toMatch(/invalid HTTP response/);
      });
    });

    test('a reset in the middle of the body is a failure', async () => {
      await withServer('reset', { host, tls, headers: {} }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: 'partial' } }));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
      });
    });

    test('a body shorter than its Content-Length (clean close) is a failure', async () => {
      await withServer('close-early', { host, tls }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: 'partial' } }));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
      });
    });

    test('a body delimited by the close of the connection is complete', async () => {
      await withServer('no-length', { host, tls, body: 'I am alive' }, async (srv) => {
        const r = await check(target(srv, service, { virtual: { receive: 'alive' } }));
        expect(r).toMatchObject({ ok: true, message: '200 OK' });
      });
    });

    test('redirects are followed with the Host header dropped; the final answer decides', async () => {
      await withServer('ok', { host, tls, body: 'landed' }, async (final) => {
        const loc = `${service}://${bracketed}:${final.port}/landing`;
        await withServer('redirect', { host, tls, location: loc }, async (first) => {
          const t = target(first, service, { virtual: { virtualhost: 'www.example.test', receive: 'landed' } });
          const r = await check(t);
          expect(r).toMatchObject({ ok: true, message: '200 OK' });
          expect(header(first.requests[0]!, 'host')).toBe('www.example.test');
          expect(final.requests[0]).toMatch(/^GET \/landing HTTP\/1\.1/);
          expect(header(final.requests[0]!, 'host')).toBe(`${bracketed}:${final.port}`);
        });
      });
    });

    test('a redirect loop stops after 7 redirects and the last 3xx is down', async () => {
      await withServer('redirect', { host, tls, status: 301, reason: 'Moved Permanently', location: '/again' }, async (srv) => {
        const r = await check(target(srv, service));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7STS, message: '301 Moved Permanently' });
        expect(srv.requests).toHaveLength(8);
      });
    });

    test('a redirect to a non-http scheme is a failure', async () => {
      await withServer('redirect', { host, tls, location: 'ftp://127.0.0.1/x' }, async (srv) => {
        const r = await check(target(srv, service));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
        expect(r.message).toMatch(/scheme ftp is not supported/);
      });
    });

    test('a listener dropping SYNs (full accept queue): L4TOUT at the deadline', async () => {
      const l = await startNeverAcceptListener(host);
      try {
        await l.fill();
        const before = synSentTo(l.port); // the filler left hanging
        expect(await check(target(l, service), 300)).toMatchObject({ ok: false, code: CheckCode.L4TOUT });
        // Our half-open socket is gone at the deadline, not minutes later.
        expect(synSentTo(l.port)).toBe(before);
      } finally {
        await l.close();
      }
    });

    test('a refused connection is L4CON', async () => {
      const port = await closedPort(host);
      const r = await check(target({ host, port }, service));
      expect(r).toMatchObject({ ok: false, code: CheckCode.L4CON });
      expect(r.message).toMatch(/ECONNREFUSED/);
    });

    test('a 1 GiB body fills the read cap: verdict from the first MiB, memory stays flat', async () => {
      await withServer('huge', { host, tls, bytes: 1024 ** 3 }, async (srv) => {
        const before = process.memoryUsage().rss;
        const r = await check(target(srv, service, { virtual: { receive: '^a+$' } }), 30000);
        expect(r).toMatchObject({ ok: true, message: '200 OK' });
        expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
      });
    });

    test('receive is matched only within the read cap', async () => {
      const body = 'x'.repeat(2000) + 'NEEDLE';
      await withServer('ok', { host, tls, body }, async (srv) => {
        const capped = createHttpCheck({ maxBodyBytes: 1000 });
        const t = target(srv, service, { virtual: { receive: 'NEEDLE' } });
        const r = await check(t, 5000, capped);
        expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
        expect(r.message).toMatch(/first 1000 bytes/);
        expect((await check(t)).ok).toBe(true);
      });
    });
  });

  describe('https certificates', () => {
    test('self-signed passes by default, fails with tlsVerify, passes with tlsVerify + tlsCaFile', async () => {
      await withServer('ok', { host, tls: true }, async (srv) => {
        expect((await check(target(srv, 'https'))).ok).toBe(true);
        const strict = await check(target(srv, 'https', { virtual: { tlsVerify: true } }));
        expect(strict).toMatchObject({ ok: false, code: CheckCode.L6RSP });
        expect(strict.message).toMatch(/self.signed|SELF_SIGNED/i);
        const withCa = await check(target(srv, 'https', { virtual: { tlsVerify: true, tlsCaFile: TLS_CERT_FILE } }));
        expect(withCa).toMatchObject({ ok: true, message: '200 OK' });
      });
    });

    test('tlsVerify checks the name: virtualhost must be in the certificate', async () => {
      await withServer('ok', { host, tls: true }, async (srv) => {
        const v = { tlsVerify: true, tlsCaFile: TLS_CERT_FILE };
        const good = await check(target(srv, 'https', { virtual: { ...v, virtualhost: 'www.example.test' } }));
        expect(good.ok).toBe(true);
        const bad = await check(target(srv, 'https', { virtual: { ...v, virtualhost: 'wrong.example.test' } }));
        expect(bad).toMatchObject({ ok: false, code: CheckCode.L6RSP });
        expect(bad.message).toMatch(/wrong\.example\.test/);
      });
    });

    test('an unreadable tlsCaFile is a clear L6RSP failure', async () => {
      await withServer('ok', { host, tls: true }, async (srv) => {
        const r = await check(target(srv, 'https', { virtual: { tlsVerify: true, tlsCaFile: '/nonexistent/ca.pem' } }));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L6RSP });
        expect(r.message).toMatch(/\/nonexistent\/ca\.pem/);
      });
    });

    test('https against a server answering plain HTTP is a TLS failure', async () => {
      // What nginx does on a plain port: an HTTP error in clear text, then close.
      const srv = await startTcpServer(host, (s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      try {
        const r = await check(target(srv, 'https'));
        expect(r).toMatchObject({ ok: false, code: CheckCode.L6RSP });
      } finally {
        await srv.close();
      }
    });

    test('a TLS handshake that never completes is L6TOUT', async () => {
      const srv = await startTcpServer(host, () => {});
      try {
        const r = await check(target(srv, 'https'), 300);
        expect(r).toMatchObject({ ok: false, code: CheckCode.L6TOUT });
      } finally {
        await srv.close();
      }
    });
  });

  describe('http_proxy', () => {
    test('connects to the real (the proxy) and requests the absolute URL', async () => {
      await withServer('ok', { host, body: 'proxied' }, async (proxy) => {
        const t = makeTarget({
          ip: host,
          port: proxy.port,
          virtual: { service: 'http_proxy', request: '/http://www.example.test:8080/status', receive: 'proxied' },
        });
        expect(t.real.url).toBe('http://www.example.test:8080/status');
        const r = await check(t);
        expect(r).toMatchObject({ ok: true, message: '200 OK' });
        expect(proxy.requests[0]).toMatch(/^GET http:\/\/www\.example\.test:8080\/status HTTP\/1\.1/);
        expect(header(proxy.requests[0]!, 'host')).toBe('www.example.test:8080');
      });
    });

    test('a proxy answering 502 is down', async () => {
      await withServer('ok', { host, status: 502, reason: 'Bad Gateway' }, async (proxy) => {
        const t = makeTarget({ ip: host, port: proxy.port, virtual: { service: 'http_proxy', request: '/http://www.example.test/' } });
        expect(await check(t)).toMatchObject({ ok: false, code: CheckCode.L7STS, message: '502 Bad Gateway' });
      });
    });
  });

  test('many checks in flight at once each judge their own answer (one shared parser instance)', async () => {
    const servers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => startHostileServer('ok', { host, body: `body-${i}-${'x'.repeat(i * 3000)}` })),
    );
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, k) => {
          const i = k % servers.length;
          // Each body is only matched by its own server's pattern (and lengths differ, so reads split differently).
          return check(target(servers[i]!, 'http', { virtual: { receive: `^body-${i}-x{${i * 3000}}$` } }));
        }),
      );
      expect(results.filter((r) => !r.ok)).toEqual([]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  test('an already aborted signal settles at once', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await httpCheck(makeTarget({ ip: host, port: 9 }), ac.signal);
    expect(r).toMatchObject({ ok: false, code: CheckCode.L4TOUT });
  });
});
