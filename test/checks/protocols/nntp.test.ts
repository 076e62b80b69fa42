// nntp against a real innd: a banner starting with '2' is up; `ctlinnd throttle` makes it 400.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkNntp } from '../../../src/checks/protocols/nntp.js';
import { makeTarget } from '../../helpers/target.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, startInnd } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

const { ip, port } = ADDR.nntp;
const target = (addr: string = ip) => makeTarget({ ip: addr, port, virtual: { service: 'nntp' } });

describe('nntp (innd)', () => {
  let d: Awaited<ReturnType<typeof startInnd>>;
  beforeAll(async () => {
    d = await startInnd();
  });
  afterAll(async () => (d as Daemon | undefined)?.cleanup());

  test('up: 200 banner', async () => {
    await expectUp(checkNntp, target());
  });
  test('up over IPv6', async () => {
    await expectUp(checkNntp, target('::1'));
  });
  test('down: throttled server answers 400', async () => {
    await d.ctlinnd('throttle', 'ldtest');
    try {
      const r = await expectDown(checkNntp, target(), ['L7STS']);
      expect(r.message).toMatch(/^banner: 400/);
    } finally {
      await d.ctlinnd('go', 'ldtest');
    }
    await expectUp(checkNntp, target());
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    await expectDownWhenPaused(checkNntp, target(), () => d.pause(), () => d.resume());
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(checkNntp, target(), ['L4CON']);
  });
});
