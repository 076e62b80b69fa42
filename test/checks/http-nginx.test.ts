// The http and https checks against a real nginx (Debian's), on 127.0.1.15 and ::1:
// up, wrong body, missing page, TLS with a self-signed certificate (up by default,
// verified only with tlsverify), stopped, and SIGSTOPped (down at the deadline).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { httpCheck } from '../../src/checks/http.js';
import { makeTarget } from '../helpers/target.js';
import type { Daemon } from '../helpers/daemons/daemon.js';
import { ADDR, startNginx } from '../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../helpers/daemons/states.js';

const { ip, port, tlsPort } = ADDR.http;
let nginx: Daemon & { cert: string };

beforeAll(async () => {
  nginx = await startNginx();
}, 60_000);
afterAll(async () => nginx?.cleanup());

type Opts = { ip?: string; https?: boolean; request?: string; receive?: string; verify?: boolean; virtualhost?: string };
const target = (o: Opts = {}) =>
  makeTarget({
    ip: o.ip ?? ip,
    port: o.https ? tlsPort : port,
    virtual: {
      service: o.https ? 'https' : 'http',
      receive: o.receive ?? 'Test Page',
      tlsVerify: o.verify ?? false,
      tlsCaFile: o.verify ? nginx.cert : undefined,
      virtualhost: o.virtualhost,
    },
    real: { request: o.request ?? '/index.html', receive: o.receive ?? 'Test Page' },
  });

describe.each([['IPv4', ip], ['IPv6', '::1']])('%s', (_name, addr) => {
  test('http up: 200 and the body matches receive', async () => {
    expect((await expectUp(httpCheck, target({ ip: addr }))).message).toBe('200 OK');
  });
  test('https up with a self-signed certificate (no verification by default, compat B.9)', async () => {
    await expectUp(httpCheck, target({ ip: addr, https: true }));
  });
});

test('wrong body: down (L7RSP)', async () => {
  await expectDown(httpCheck, target({ receive: 'Not There' }), ['L7RSP']);
});
test('missing page: down with the status (L7STS)', async () => {
  const r = await expectDown(httpCheck, target({ request: '/missing.html' }), ['L7STS']);
  expect(r.message).toMatch(/^404/);
});
test('tlsverify=yes: the CA file and the name decide', async () => {
  await expectUp(httpCheck, target({ https: true, verify: true, virtualhost: 'localhost' }));
  await expectDown(httpCheck, target({ https: true, verify: true, virtualhost: 'www.example.test' }), ['L6RSP']);
});
test('SIGSTOPped nginx: down at the deadline', async () => {
  await expectDownWhenPaused(httpCheck, target(), () => nginx.pause(), () => nginx.resume());
});
test('stopped nginx: down (L4CON)', async () => {
  await nginx.stop();
  await expectDown(httpCheck, target(), ['L4CON']);
});
