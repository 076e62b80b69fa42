// dns against a real dnsmasq over UDP and TCP: A for a name, PTR for an address, receive on the answers.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { checkDns } from '../../../src/checks/protocols/dns.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, startDnsmasq } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.dns;
const target = (protocol: 'udp' | 'tcp', request = '/www.example.test', receive = '^127\\.0\\.0\\.2$', addr: string = ip) =>
  makeTarget({ ip: addr, port, virtual: { service: 'dns', protocol }, real: { request, receive } });

describe('dns (dnsmasq)', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDnsmasq();
  });
  afterAll(async () => d?.cleanup());

  describe.each(['udp', 'tcp'] as const)('over %s', (protocol) => {
    test('up: A answer matches receive', async () => {
      await expectUp(checkDns, target(protocol));
    });
    test('up: PTR for an address request', async () => {
      await expectUp(checkDns, target(protocol, '/127.0.0.2', 'www\\.example\\.test'));
    });
    test('up over IPv6', async () => {
      await expectUp(checkDns, target(protocol, undefined, undefined, '::1'));
    });
    test('down: answer does not match receive', async () => {
      await expectDown(checkDns, target(protocol, '/www.example.test', '^10\\.'), ['L7RSP']);
    });
    test('down: empty receive never matches (as ldirectord)', async () => {
      await expectDown(checkDns, target(protocol, '/www.example.test', ''), ['L7RSP']);
    });
    test('down: unknown name', async () => {
      await expectDown(checkDns, target(protocol, '/nothing.example.test'), ['L7STS', 'L7RSP']);
    });
    test('down at the deadline: server SIGSTOPped', async () => {
      await expectDownWhenPaused(checkDns, target(protocol), () => d.pause(), () => d.resume());
    });
  });
  test('down: server stopped (udp and tcp)', async () => {
    await d.stop();
    await expectDown(checkDns, target('udp'), ['L4CON']);
    await expectDown(checkDns, target('tcp'), ['L4CON']);
  });
});
