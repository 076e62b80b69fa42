// ldap and ldaps against a real slapd: bind, base search of the request, one entry, receive on the DN.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { checkLdap, checkLdaps } from '../../../src/checks/protocols/ldap.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, PASS, startSlapd } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port, tlsPort } = ADDR.ldap;
const target = (o: { ip?: string; port?: number; service?: 'ldap' | 'ldaps'; request?: string; receive?: string; login?: string; passwd?: string; tlsVerify?: boolean } = {}) =>
  makeTarget({
    ip: o.ip ?? ip,
    port: o.port ?? port,
    virtual: { service: o.service ?? 'ldap', login: o.login ?? '', passwd: o.passwd ?? '', tlsVerify: o.tlsVerify ?? false },
    real: { request: o.request ?? '/dc=example,dc=test', receive: o.receive ?? 'dc=example' },
  });

describe('ldap/ldaps (slapd)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startSlapd();
  });
  afterAll(async () => d?.cleanup());

  test('up: anonymous bind, base search, DN matches', async () => {
    await expectUp(checkLdap, target());
  });
  test('up: bind with login/passwd', async () => {
    await expectUp(checkLdap, target({ login: 'cn=admin,dc=example,dc=test', passwd: PASS }));
  });
  test('up over IPv6', async () => {
    await expectUp(checkLdap, target({ ip: '::1' }));
  });
  test('up: ldaps with a self-signed certificate (no verification by default)', async () => {
    await expectUp(checkLdaps, target({ service: 'ldaps', port: tlsPort }));
  });
  test('down: ldaps with verification requested', async () => {
    await expectDown(checkLdaps, target({ service: 'ldaps', port: tlsPort, tlsVerify: true }), ['L6RSP']);
  });
  test('down: wrong password', async () => {
    await expectDown(checkLdap, target({ login: 'cn=admin,dc=example,dc=test', passwd: 'wrong' }), ['L7RSP']);
  });
  test('down: base does not exist', async () => {
    await expectDown(checkLdap, target({ request: '/dc=nothing,dc=test' }), ['L7RSP']);
  });
  test('down: DN does not match receive', async () => {
    await expectDown(checkLdap, target({ receive: 'ou=elsewhere' }), ['L7RSP']);
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    await expectDownWhenPaused(checkLdap, target(), () => d.pause(), () => d.resume());
    await expectDownWhenPaused(checkLdaps, target({ service: 'ldaps', port: tlsPort }), () => d.pause(), () => d.resume());
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(checkLdap, target(), ['L4CON']);
    await expectDown(checkLdaps, target({ service: 'ldaps', port: tlsPort }), ['L4CON']);
  });
});
