// sip against a real kamailio over UDP and TCP: OPTIONS, `SIP/2.0 200 OK` is up.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkSip, sipOptions } from '../../../src/checks/protocols/sip.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, startKamailio } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.sip;
const target = (protocol: 'udp' | 'tcp', addr: string = ip, login = 'ldtest@example.test') =>
  makeTarget({ ip: addr, port, virtual: { service: 'sip', protocol, login } });

test('the request is check_sip\'s, line for line', () => {
  const req = sipOptions('u@h', '127.0.0.1', 5060);
  expect(req.split('\r\n').slice(0, 3)).toEqual(['OPTIONS sip:u@h SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKhjhs8ass877', 'Max-Forwards: 70']);
  expect(req.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
});

describe('sip (kamailio)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startKamailio();
  });
  afterAll(async () => d?.cleanup());

  describe.each(['udp', 'tcp'] as const)('over %s', (protocol) => {
    test('up: 200 OK', async () => {
      await expectUp(checkSip, target(protocol));
    });
    test('up over IPv6', async () => {
      await expectUp(checkSip, target(protocol, '::1'));
    });
    test('down: the server answers 404 (not 200 OK)', async () => {
      const r = await expectDown(checkSip, target(protocol, ip, 'down@example.test'), ['L7STS']);
      expect(r.message).toMatch(/^status: SIP\/2\.0 404/);
    });
    test('down at the deadline: server SIGSTOPped', async () => {
      await expectDownWhenPaused(checkSip, target(protocol), () => d.pause(), () => d.resume());
    });
  });
  test('down: server stopped (udp and tcp)', async () => {
    await d.stop();
    await expectDown(checkSip, target('udp'), ['L4CON']);
    await expectDown(checkSip, target('tcp'), ['L4CON']);
  });
});
