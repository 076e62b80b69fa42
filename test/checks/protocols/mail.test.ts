// pop, pops, imap, imaps against a real dovecot (self-signed certificate for the TLS variants).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkImap, checkImaps } from '../../../src/checks/protocols/imap.js';
import { checkPop, checkPops } from '../../../src/checks/protocols/pop.js';
import type { CheckFn } from '../../../src/checks/types.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, PASS, USER, startDovecot } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const a = ADDR.dovecot;
const cases: Array<[string, CheckFn, number]> = [
  ['pop', checkPop, a.pop],
  ['pops', checkPops, a.pops],
  ['imap', checkImap, a.imap],
  ['imaps', checkImaps, a.imaps],
];
const target = (service: string, port: number, o: { login?: string; passwd?: string; ip?: string; tlsVerify?: boolean } = {}) =>
  makeTarget({
    ip: o.ip ?? a.ip,
    port,
    virtual: { service: service as 'pop', login: o.login ?? USER, passwd: o.passwd ?? PASS, tlsVerify: o.tlsVerify ?? false },
  });

describe('pop/pops/imap/imaps (dovecot)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDovecot();
  });
  afterAll(async () => d?.cleanup());

  describe.each(cases)('%s', (service, fn, port) => {
    test('up: greeting and login', async () => {
      await expectUp(fn, target(service, port));
    });
    test('up: greeting only when login is empty', async () => {
      await expectUp(fn, target(service, port, { login: '', passwd: '' }));
    });
    test('up over IPv6 on the configured port', async () => {
      await expectUp(fn, target(service, port, { ip: '::1' }));
    });
    test('down: wrong password', async () => {
      const r = await expectDown(fn, target(service, port, { passwd: 'wrong' }), ['L7RSP'], 15000);
      expect(r.message).toMatch(/login failed/);
    });
    test('down at the deadline: server SIGSTOPped', async () => {
      await expectDownWhenPaused(fn, target(service, port), () => d.pause(), () => d.resume());
    });
  });

  test('pops/imaps: verification on request fails on the self-signed certificate', async () => {
    await expectDown(checkPops, target('pops', a.pops, { tlsVerify: true }), ['L6RSP']);
    await expectDown(checkImaps, target('imaps', a.imaps, { tlsVerify: true }), ['L6RSP']);
  });
  test('pops against the plain port: TLS handshake fails', async () => {
    await expectDown(checkPops, target('pops', a.pop), ['L6RSP', 'L6TOUT'], 3000);
  });

  test('down: server stopped (all four)', async () => {
    await d.stop();
    for (const [service, fn, port] of cases) await expectDown(fn, target(service, port), ['L4CON']);
  });
});
