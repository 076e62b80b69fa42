import { describe, expect, test } from '@jest/globals';
import type { Socket } from 'node:net';
import { simpletcpCheck, simpletcpPayload } from '../../src/checks/simpletcp.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import { makeTarget, runWithDeadline } from '../helpers/target.js';
import { LOOPBACKS, closedPort, resetConnection, startTcpServer, type TestServer } from '../helpers/servers.js';

/** A line server: collects the request until the client half-closes, then lets `answer` reply. */
function lineServer(host: string, answer: (request: string, socket: Socket) => void): Promise<TestServer> {
  return startTcpServer(host, (socket, srv) => {
    let req = '';
    socket.on('data', (d: Buffer) => (req += d.toString('latin1')));
    socket.on('end', () => {
      srv.requests.push(req);
      answer(req, socket);
    });
  });
}

async function run(srv: { host: string; port: number }, request: string, receive: string, deadline = 5000): Promise<CheckResult> {
  const t = makeTarget({ ip: srv.host, port: srv.port, virtual: { service: 'simpletcp', request, receive } });
  const t0 = Date.now();
  const r = await runWithDeadline((s) => simpletcpCheck(t, s), deadline);
  expect(Date.now() - t0).toBeLessThan(deadline + 5000);
  return r;
}

test('payload drops the leading slash and turns literal \\n into newlines', () => {
  expect(simpletcpPayload('/PING\\nQUIT\\n')).toBe('PING\nQUIT\n');
  expect(simpletcpPayload('/')).toBe('');
});

describe.each(LOOPBACKS)('simpletcpCheck on %s', (host) => {
  test('sends the request, half-closes, and is up when a later line matches', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('+hello\nstatus: OK ready\nbye\n'));
    try {
      const r = await run(srv, '/STATUS\\nQUIT', 'OK r.ady');
      expect(r).toMatchObject({ ok: true, code: CheckCode.L7OK, message: '-' });
      expect(srv.requests).toEqual(['STATUS\nQUIT']);
    } finally {
      await srv.close();
    }
  });

  test('receive `OK$` matches a line "OK\\n" (Perl $ before the final newline)', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('hello\nstatus OK\nbye\n'));
    try {
      expect((await run(srv, '/x', 'status OK$')).ok).toBe(true);
    } finally {
      await srv.close();
    }
  });

  test('a last line without newline is still matched', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('first\nOK'));
    try {
      expect((await run(srv, '/x', '^OK$')).ok).toBe(true);
    } finally {
      await srv.close();
    }
  });

  test('answer matching nothing, then EOF, is down (L7RSP)', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('ERR one\nERR two\n'));
    try {
      const r = await run(srv, '/x', 'OK');
      expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
      expect(r.message).toMatch(/before EOF/);
    } finally {
      await srv.close();
    }
  });

  test('a match across two lines does not count (lines are judged one by one)', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('O\nK\n'));
    try {
      expect((await run(srv, '/x', 'O\\nK')).ok).toBe(false);
    } finally {
      await srv.close();
    }
  });

  test('a server that never answers: L7TOUT at the deadline', async () => {
    const srv = await startTcpServer(host, () => {});
    try {
      expect(await run(srv, '/x', 'OK', 300)).toMatchObject({ ok: false, code: CheckCode.L7TOUT });
    } finally {
      await srv.close();
    }
  });

  test('a reset is a failure', async () => {
    const srv = await lineServer(host, (_req, s) => {
      s.write('nothing here\n');
      setTimeout(() => resetConnection(s), 20);
    });
    try {
      expect(await run(srv, '/x', 'OK')).toMatchObject({ ok: false, code: CheckCode.L7RSP });
    } finally {
      await srv.close();
    }
  });

  test('refused is L4CON', async () => {
    const port = await closedPort(host);
    expect(await run({ host, port }, '/x', 'OK')).toMatchObject({ ok: false, code: CheckCode.L4CON });
  });

  test('an invalid receive regex is a clear failure', async () => {
    const srv = await lineServer(host, (_req, s) => s.end('OK\n'));
    try {
      const r = await run(srv, '/x', '(');
      expect(r).toMatchObject({ ok: false, code: CheckCode.L7RSP });
      expect(r.message).toMatch(/invalid receive regex/);
    } finally {
      await srv.close();
    }
  });
});
