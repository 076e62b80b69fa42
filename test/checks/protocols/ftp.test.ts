// ftp against a real vsftpd (anonymous), as check_ftp: RETR request, receive on the content.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkFtp } from '../../../src/checks/protocols/ftp.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, startVsftpd } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.ftp;
const target = (o: { request?: string; receive?: string; login?: string; passwd?: string } = {}) =>
  makeTarget({ ip, port, virtual: { service: 'ftp', receive: o.receive ?? 'Test Page', login: o.login ?? '', passwd: o.passwd ?? '' }, real: { request: o.request ?? '/index.html', receive: o.receive ?? 'Test Page' } });

describe('ftp (vsftpd)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startVsftpd();
  });
  afterAll(async () => d?.cleanup());

  test('up: anonymous login, RETR matches receive', async () => {
    await expectUp(checkFtp, target());
  });
  test('down: receive does not match the file', async () => {
    await expectDown(checkFtp, target({ receive: 'Not There' }), ['L7RSP']);
  });
  test('down: missing file', async () => {
    await expectDown(checkFtp, target({ request: '/nothing.html' }), ['L7STS', 'L7RSP']);
  });
  test('down: wrong credentials', async () => {
    await expectDown(checkFtp, target({ login: 'nosuchuser', passwd: 'x' }), ['L7STS', 'L7RSP']);
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    const r = await expectDownWhenPaused(checkFtp, target(), () => d.pause(), () => d.resume());
    expect(r.code).toBe('L7TOUT');
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(checkFtp, target(), ['L4CON']);
  });
});
