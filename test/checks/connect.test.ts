import { describe, expect, test } from '@jest/globals';
import { connectCheck } from '../../src/checks/connect.js';
import { CheckCode } from '../../src/checks/result.js';
import { makeTarget, runWithDeadline } from '../helpers/target.js';
import { synSentTo } from '../helpers/procs.js';
import { LOOPBACKS, closedPort, startNeverAcceptListener, startTcpServer } from '../helpers/servers.js';

describe.each(LOOPBACKS)('connectCheck on %s', (host) => {
  test('a listening port is up (L4OK) and the server saw one connection', async () => {
    const srv = await startTcpServer(host, () => {});
    try {
      const r = await runWithDeadline((s) => connectCheck(makeTarget({ ip: host, port: srv.port }), s), 5000);
      expect(r).toMatchObject({ ok: true, code: CheckCode.L4OK, message: '-', attempt: 1 });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      // The server may see the connection a tick after our side completes.
      for (let i = 0; i < 50 && srv.connections() === 0; i++) await new Promise((r2) => setTimeout(r2, 10));
      expect(srv.connections()).toBe(1);
    } finally {
      await srv.close();
    }
  });

  test('checkPort is used, not the real port', async () => {
    const srv = await startTcpServer(host, () => {});
    const dead = await closedPort(host);
    try {
      const t = makeTarget({ ip: host, port: dead, real: { checkPort: srv.port } });
      const r = await runWithDeadline((s) => connectCheck(t, s), 5000);
      expect(r.ok).toBe(true);
    } finally {
      await srv.close();
    }
  });

  test('a closed port is down with L4CON and the errno in the message', async () => {
    const port = await closedPort(host);
    const r = await runWithDeadline((s) => connectCheck(makeTarget({ ip: host, port }), s), 5000);
    expect(r).toMatchObject({ ok: false, code: CheckCode.L4CON });
    expect(r.message).toMatch(/ECONNREFUSED/);
  });

  test('a listener that never accepts is still up (the kernel completes the handshake)', async () => {
    const l = await startNeverAcceptListener(host);
    try {
      const r = await runWithDeadline((s) => connectCheck(makeTarget({ ip: host, port: l.port }), s), 5000);
      expect(r).toMatchObject({ ok: true, code: CheckCode.L4OK });
    } finally {
      await l.close();
    }
  });

  test('a listener with a full accept queue drops the SYN: L4TOUT at the deadline', async () => {
    const l = await startNeverAcceptListener(host);
    try {
      await l.fill();
      const before = synSentTo(l.port);
      const t0 = Date.now();
      const r = await runWithDeadline((s) => connectCheck(makeTarget({ ip: host, port: l.port }), s), 400);
      expect(synSentTo(l.port)).toBe(before); // our socket was destroyed at the deadline
      expect(r).toMatchObject({ ok: false, code: CheckCode.L4TOUT });
      expect(r.message).toMatch(/timeout/);
      expect(Date.now() - t0).toBeLessThan(5000); // settled at the deadline, not at the kernel's SYN timeout
    } finally {
      await l.close();
    }
  });

  test('an already aborted signal settles at once with L4TOUT', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await connectCheck(makeTarget({ ip: host, port: 9 }), ac.signal);
    expect(r).toMatchObject({ ok: false, code: CheckCode.L4TOUT });
  });
});
