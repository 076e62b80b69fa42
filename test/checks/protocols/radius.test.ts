// radius against a real FreeRADIUS: Access-Accept is up; Reject (password, user, secret) is down.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkRadius, hidePassword } from '../../../src/checks/protocols/radius.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, PASS, RADIUS_SECRET, USER, startFreeradius } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.radius;
const target = (o: { login?: string; passwd?: string; secret?: string; ip?: string } = {}) =>
  makeTarget({ ip: o.ip ?? ip, port, virtual: { service: 'radius', protocol: 'udp', login: o.login ?? USER, passwd: o.passwd ?? PASS, secret: o.secret ?? RADIUS_SECRET } });

test('User-Password hiding is RFC 2865 (16-byte blocks, reversible with the secret)', () => {
  const auth = Buffer.alloc(16, 7);
  const hidden = hidePassword('a-password-longer-than-16', 's3', auth);
  expect(hidden.length).toBe(32);
  expect(hidePassword('x', 's3', auth).length).toBe(16);
});

describe('radius (freeradius)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startFreeradius();
  });
  afterAll(async () => d?.cleanup());

  test('up: Access-Accept', async () => {
    await expectUp(checkRadius, target());
  });
  test('up over IPv6', async () => {
    await expectUp(checkRadius, target({ ip: '::1' }));
  });
  test('down: wrong password (Access-Reject)', async () => {
    await expectDown(checkRadius, target({ passwd: 'wrong' }), ['L7RSP']);
  });
  test('down: wrong shared secret (freeradius drops a request whose Message-Authenticator fails)', async () => {
    await expectDown(checkRadius, target({ secret: 'not-the-secret' }), ['L7RSP', 'L7TOUT'], 3000);
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    await expectDownWhenPaused(checkRadius, target(), () => d.pause(), () => d.resume());
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(checkRadius, target(), ['L4CON']);
  });
});
