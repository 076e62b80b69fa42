// smtp/submission against a real opensmtpd; a wrong answer from a real vsftpd (220 greeting, 530 to EHLO and HELO).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { checkSmtp } from '../../../src/checks/protocols/smtp.js';
import { protocolChecks } from '../../../src/checks/protocols/index.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, startOpensmtpd, startVsftpd } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.smtp;
const target = (addr: string = ip, p: number = port, service: 'smtp' | 'submission' = 'smtp') => makeTarget({ ip: addr, port: p, virtual: { service } });

describe('smtp (opensmtpd)', () => {
  let d: Daemon;
  let ftp: Daemon;
  beforeAll(async () => {
    [d, ftp] = await Promise.all([startOpensmtpd(), startVsftpd(ADDR.ftpAlt.ip, ADDR.ftpAlt.port)]);
  });
  afterAll(async () => {
    await Promise.all([d?.cleanup(), ftp?.cleanup()]);
  });

  test('up: 220 greeting and EHLO accepted', async () => {
    await expectUp(checkSmtp, target());
  });
  test('up: submission uses the same dialogue', async () => {
    await expectUp(protocolChecks.submission!, target(ip, port, 'submission'));
  });
  test('up over IPv6', async () => {
    await expectUp(checkSmtp, target('::1'));
  });
  test('down: a 2xx greeting but EHLO and HELO refused (a real FTP server)', async () => {
    const r = await expectDown(checkSmtp, target(ADDR.ftpAlt.ip, ADDR.ftpAlt.port), ['L7STS', 'L7RSP']);
    expect(r.message).toMatch(/hello: 5\d\d/);
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    await expectDownWhenPaused(checkSmtp, target(), () => d.pause(), () => d.resume());
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(checkSmtp, target(), ['L4CON']);
  });
});
import { expect } from '@jest/globals';
