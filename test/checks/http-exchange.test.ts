import { describe, expect, test } from '@jest/globals';
import { httpExchange, type ExchangeRequest } from '../../src/checks/http-exchange.js';
import { CheckError } from '../../src/checks/errors.js';
import { CheckCode } from '../../src/checks/result.js';
import { startTcpServer } from '../helpers/servers.js';

const base = (port: number): ExchangeRequest => ({
  host: '127.0.0.1', port, origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET',
  headers: { Host: '127.0.0.1', 'User-Agent': 'test' }, maxBodyBytes: 1024,
});

async function rejection(p: Promise<unknown>): Promise<CheckError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CheckError);
  return err as CheckError;
}

describe('httpExchange', () => {
  test('sends the request line, its headers in order and Connection: close, nothing else', async () => {
    const seen: string[] = [];
    const srv = await startTcpServer('127.0.0.1', (s) => s.once('data', (d: Buffer) => (seen.push(d.toString('latin1')), s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))));
    try {
      const a = await httpExchange({ ...base(srv.port), path: '/x?y=1' }, AbortSignal.timeout(5000));
      expect(a.statusLine).toBe('200 OK');
      expect(seen).toEqual(['GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\nConnection: close\r\n\r\n']);
    } finally {
      await srv.close();
    }
  });

  test('a target or header that would split the request is refused before connecting', async () => {
    let connections = 0;
    const srv = await startTcpServer('127.0.0.1', (s) => (connections++, s.destroy()));
    try {
      const bad = [
        { ...base(srv.port), path: '/a\r\nX-Injected: 1' },
        { ...base(srv.port), path: '/a b' },
        { ...base(srv.port), headers: { Host: 'h\r\nX-Injected: 1' } },
        { ...base(srv.port), headers: { 'Bad Name': 'v' } },
      ];
      for (const req of bad) {
        const err = await rejection(httpExchange(req, AbortSignal.timeout(5000)));
        expect(err.code).toBe(CheckCode.L7RSP);
        expect(err.message).toMatch(/^invalid request: /);
      }
      expect(connections).toBe(0);
    } finally {
      await srv.close();
    }
  });

  test('arguments net refuses synchronously (a port out of range) are an L4CON rejection, not a throw', async () => {
    const err = await rejection(httpExchange(base(70000), AbortSignal.timeout(5000)));
    expect(err.code).toBe(CheckCode.L4CON);
    expect(err.message).toMatch(/ERR_SOCKET_BAD_PORT/);
  });
});
