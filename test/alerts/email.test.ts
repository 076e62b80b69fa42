import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DAEMON_STATUS_ALL, DaemonStatus } from '../../src/config/model.js';
import { EmailAlerter, type DaemonStatusName } from '../../src/alerts/email.js';
import type { AlertVirtual } from '../../src/alerts/message.js';
import { memoryLogger } from '../log/helpers/memory-logger.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

// Loopback addresses of our own, so other suites' port-25 servers do not collide.
const SINK = '127.0.77.1';
const TLS_SINK = '127.0.77.2';
const SILENT = '127.0.77.3';
const NOBODY = '127.0.77.4';


function virtual(over: Partial<AlertVirtual> = {}): AlertVirtual {
  return {
    addr: '127.0.0.1:8080',
    emailalert: 'ops@example.com',
    emailalertfreq: 0,
    emailalertstatus: DAEMON_STATUS_ALL,
    smtp: SINK,
    ...over,
  };
}

let sink: SmtpSink;
let tlsSink: SmtpSink;
let silent: SmtpSink;
let tmp: string;
beforeAll(async () => {
  sink = await startSmtpSink(SINK);
  tlsSink = await startSmtpSink(TLS_SINK, { offerStarttls: true });
  silent = await startSmtpSink(SILENT, { silent: true });
  tmp = mkdtempSync(join(tmpdir(), 'ldts-mail-'));
});
afterAll(async () => {
  await Promise.all([sink.close(), tlsSink.close(), silent.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('SMTP delivery (smtp=)', () => {
  test('the exact message ldirectord 4.12 sent through Net::SMTP', async () => {
    // Captured from /usr/sbin/ldirectord on host "vm" as root, emailalertfrom="ld@example.com" (quotes kept by its parser).
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'starting', emailalertfrom: '"ld@example.com"', hostname: 'vm', user: 'root' });
    const n = sink.messages.length;
    const subject = 'Added fallback server: 127.0.0.3:8080 (127.0.0.1:8080) (Weight set to 1)';
    await alerter.send(subject, virtual({ servicename: 'web svc', comment: 'a comment' }), '127.0.0.3:8080', 0);
    expect(logger.lines).toEqual([`emailalert: ${subject}`]);
    const m = sink.messages[n]!;
    expect(m.helo).toBe('localhost.localdomain');
    expect(m.mailFrom).toBe('<root@vm>');
    expect(m.rcptTo).toEqual(['<ops@example.com>']);
    expect(m.data).toBe(
      'From: "ld@example.com"\r\nTo: ops@example.com\r\n' +
        `Subject: [web svc] ${subject}\r\n\r\n` +
        `ldirectord host: vm\r\nLog-Message: [web svc] ${subject}\r\nDaemon-Status: starting\r\n` +
        '\r\nService name: web svc\r\nComment: a comment\r\n\r\n',
    );
  });

  test('without servicename/comment the body ends at Daemon-Status; From defaults to USER@HOSTNAME', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running' });
    const n = sink.messages.length;
    const me = `${userInfo().username}@${hostname()}`;
    await alerter.send('Added real server: 127.0.0.2:8082 (7) (Weight set to 1)', virtual({ addr: '7' }), '127.0.0.2:8082', 0);
    const m = sink.messages[n]!;
    expect(m.mailFrom).toBe(`<${me}>`);
    expect(m.data).toBe(
      `From: ${me}\r\nTo: ops@example.com\r\nSubject: Added real server: 127.0.0.2:8082 (7) (Weight set to 1)\r\n\r\n` +
        `ldirectord host: ${hostname()}\r\nLog-Message: Added real server: 127.0.0.2:8082 (7) (Weight set to 1)\r\n` +
        'Daemon-Status: running\r\n',
    );
  });

  test('with a config getter, emailalertfrom is read per alert (a reload takes effect); status/flush aliases', async () => {
    let cfg: { global: { emailalertfrom?: string } } = { global: { emailalertfrom: 'first@example.com' } };
    const alerter = new EmailAlerter({ logger: memoryLogger(), status: () => 'reloading', config: () => cfg, hostname: 'h', user: 'u' });
    const n = sink.messages.length;
    void alerter.send('a', virtual(), 'r', 0);
    cfg = { global: {} };
    void alerter.send('b', virtual(), 'r', 0);
    await alerter.flush();
    expect(sink.messages[n]!.data).toMatch(/^From: first@example\.com\r\n[^]*Daemon-Status: reloading\r\n$/);
    expect(sink.messages[n + 1]!.data).toMatch(/^From: u@h\r\n/);
  });

  test('a list in emailalert= gets one RCPT per address and the To: header verbatim', async () => {
    const alerter = new EmailAlerter({ logger: memoryLogger(), getStatus: () => 'running', hostname: 'h', user: 'u' });
    const n = sink.messages.length;
    await alerter.send('Deleted real server: 127.0.0.2:80 (127.0.0.1:80)', virtual({ emailalert: 'a@example.com, b@example.com' }), 'r', 0);
    expect(sink.messages[n]!.rcptTo).toEqual(['<a@example.com>', '<b@example.com>']);
    expect(sink.messages[n]!.data).toContain('\r\nTo: a@example.com, b@example.com\r\n');
  });

  test('a server offering STARTTLS still gets the plain message, as from Net::SMTP', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running', hostname: 'h', user: 'u' });
    await alerter.send('x', virtual({ smtp: TLS_SINK }), 'r', 0);
    expect(tlsSink.messages).toHaveLength(1);
    expect(tlsSink.transcript).not.toContain('STARTTLS');
    expect(logger.lines).toEqual(['emailalert: x']);
  });

  test('an unreachable server is logged as ldirectord logs it, and send() resolves', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running' });
    await expect(alerter.send('Deleted real server: r (v)', virtual({ smtp: NOBODY }), 'r', 0)).resolves.toBeUndefined();
    expect(logger.lines).toEqual(['emailalert: Deleted real server: r (v)', 'failed to send SMTP email message']);
  });

  test('a server that never greets fails at the greeting deadline', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running', greetingTimeoutMs: 300 });
    await alerter.send('x', virtual({ smtp: SILENT }), 'r', 0);
    expect(logger.lines).toEqual(['emailalert: x', 'failed to send SMTP email message']);
  });

  test('send() logs at once and delivers later; the queue is bounded and drops beyond it', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running', greetingTimeoutMs: 300, maxQueue: 1 });
    const v = virtual({ smtp: SILENT });
    const p1 = alerter.send('one', v, 'r1', 0); // in flight
    const p2 = alerter.send('two', v, 'r2', 0); // queued
    const p3 = alerter.send('three', v, 'r3', 0); // dropped
    expect(logger.lines).toEqual([
      'emailalert: one',
      'emailalert: two',
      'emailalert: three',
      'email alert queue full: dropping alerts until it drains (first dropped: three)',
    ]);
    await Promise.all([p1, p2, p3]);
    await alerter.idle();
    expect(logger.lines.filter((l) => l === 'failed to send SMTP email message')).toHaveLength(2);
  });
});

describe('bookkeeping and filters (ld_emailalert_send / _resend)', () => {
  test('a down real is re-alerted emailalertfreq seconds after its last alert, until it comes back', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running', hostname: 'h', user: 'u' });
    const v = virtual({ emailalertfreq: 60 });
    const n = sink.messages.length;
    await alerter.send('Deleted real server: 127.0.0.2:80 (127.0.0.1:8080)', v, '127.0.0.2:80', 1000);
    expect([...alerter.pending]).toEqual([['127.0.0.2:80 (127.0.0.1:8080)', 1000]]);
    await alerter.resend(1059);
    expect(sink.messages.length).toBe(n + 1);
    await alerter.resend(1060);
    expect(sink.messages.length).toBe(n + 2);
    expect(sink.messages[n + 1]!.data).toContain('\r\nSubject: Inaccessible real server: 127.0.0.2:80 (127.0.0.1:8080)\r\n');
    expect([...alerter.pending]).toEqual([['127.0.0.2:80 (127.0.0.1:8080)', 1060]]);
    await alerter.resend(1119);
    expect(sink.messages.length).toBe(n + 2);
    // Restored/Added are sent with time 0: the real is forgotten.
    await alerter.send('Restored real server: 127.0.0.2:80 (127.0.0.1:8080) (Weight set to 1)', v, '127.0.0.2:80', 0);
    expect(alerter.pending.size).toBe(0);
    await alerter.resend(99999);
    expect(sink.messages.length).toBe(n + 3);
    expect(logger.lines).toEqual([
      'emailalert: Deleted real server: 127.0.0.2:80 (127.0.0.1:8080)',
      'emailalert: Inaccessible real server: 127.0.0.2:80 (127.0.0.1:8080)',
      'emailalert: Restored real server: 127.0.0.2:80 (127.0.0.1:8080) (Weight set to 1)',
    ]);
  });

  test('emailalertfreq 0 keeps nothing to resend', async () => {
    const alerter = new EmailAlerter({ logger: memoryLogger(), getStatus: () => 'running' });
    await alerter.send('Deleted real server: r (v)', virtual({ emailalertfreq: 0, emailalert: '' }), 'r', 1000);
    expect(alerter.pending.size).toBe(0);
  });

  test('emailalertstatus filters by daemon state, but the real is still remembered for resends', async () => {
    const logger = memoryLogger();
    let state: DaemonStatusName = 'starting';
    const alerter = new EmailAlerter({ logger, getStatus: () => state });
    const v = virtual({ emailalertstatus: DaemonStatus.running | DaemonStatus.stopping, emailalertfreq: 10 });
    const n = sink.messages.length;
    await alerter.send('Deleted real server: r (v)', v, 'r', 100);
    expect(logger.lines).toEqual([]);
    expect(sink.messages.length).toBe(n);
    expect(alerter.pending.size).toBe(1);
    state = 'running';
    await alerter.resend(110);
    expect(logger.lines).toEqual(['emailalert: Inaccessible real server: r (127.0.0.1:8080)']);
    expect(sink.messages.length).toBe(n + 1);
    expect(sink.messages[n]!.data).toContain('\r\nDaemon-Status: running\r\n');
    state = 'reloading';
    await alerter.send('Deleted real server: r2 (v)', v, 'r2', 0);
    expect(logger.lines).toHaveLength(1);
  });

  test('an empty emailalert= sends and logs nothing', async () => {
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'running' });
    await alerter.send('x', virtual({ emailalert: '' }), 'r', 0);
    expect(logger.lines).toEqual([]);
  });
});

describe('sendmail delivery (no smtp=)', () => {
  test('headers as Mail::Send writes them, piped to sendmail -t', async () => {
    const out = join(tmp, 'sendmail.out');
    const fake = join(tmp, 'sendmail');
    writeFileSync(fake, `#!/bin/sh\necho "ARGS: $*" > ${out}\ncat >> ${out}\n`);
    chmodSync(fake, 0o755);
    const logger = memoryLogger();
    const alerter = new EmailAlerter({ logger, getStatus: () => 'stopping', hostname: 'vm', user: 'root', sendmailPath: fake, emailalertfrom: 'ld@example.com' });
    await alerter.send('Deleted real server: r (v)', virtual({ smtp: undefined, comment: 'c' }), 'r', 0);
    expect(readFileSync(out, 'utf8')).toBe(
      'ARGS: -t\nTo: ops@example.com\nSubject: Deleted real server: r (v)\nFrom: ld@example.com\n\n' +
        'ldirectord host: vm\nLog-Message: Deleted real server: r (v)\nDaemon-Status: stopping\n\nComment: c\n\n',
    );
    expect(logger.lines).toEqual(['emailalert: Deleted real server: r (v)']);
  });

  test('a failing or missing sendmail logs `failed to send email message`', async () => {
    const fake = join(tmp, 'sendmail-fails');
    writeFileSync(fake, '#!/bin/sh\ncat > /dev/null\nexit 75\n');
    chmodSync(fake, 0o755);
    for (const path of [fake, join(tmp, 'no-such-sendmail')]) {
      const logger = memoryLogger();
      const alerter = new EmailAlerter({ logger, getStatus: () => 'running', sendmailPath: path });
      await alerter.send('x', virtual({ smtp: undefined }), 'r', 0);
      expect(logger.lines).toEqual(['emailalert: x', 'failed to send email message']);
    }
  });
});
