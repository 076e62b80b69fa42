// The daemon end to end on what it does to the table: a real shared by three
// virtuals (one check), stale reals purged at start (foreign virtuals left alone),
// a gate real on another port (compat B.4), cleanstop yes/no.
// Addresses: 127.0.12.x.
import { afterEach, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { daemonDir, type DaemonRun, disposeAll, FlipServer, runDaemon, service, waitUntil } from '../helpers/daemon-run.js';

const WAIT = 15_000;
let run: DaemonRun | undefined;

afterEach(disposeAll);


const HTTP = ['\tchecktype=negotiate', '\tservice=http', '\trequest="/"', '\treceive="OK"'];

test('a real shared by three virtuals is checked once, and its verdict applies to all three', async () => {
  const real = await FlipServer.start('127.0.12.2');
  const R = real.addr;
  const VS = ['127.0.12.1:80', '127.0.12.1:81', '127.0.12.1:82'];
  const cfg = ['checkinterval=1', 'checktimeout=2', ...VS.flatMap((v) => [`virtual=${v}`, `\treal=${R} masq 2`, ...HTTP]), ''];
  run = runDaemon(daemonDir('table'), cfg.join('\n'));
  for (const v of VS) await run.waitFor(`Added real server: ${R} (${v}) (Weight set to 2)`, WAIT);
  await waitUntil(() => VS.every((v) => run!.reals(v)[R] === 2), WAIT, 'real in all three virtuals');

  // Requests over a window: one check per interval, not three.
  const n0 = real.requests;
  const t0 = Date.now();
  await sleep(4000);
  const n = real.requests - n0;
  const seconds = (Date.now() - t0) / 1000;
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(Math.ceil(seconds) + 1);

  real.health = 'fail';
  for (const v of VS) await run.waitFor(`Deleted real server: ${R} (${v})`, WAIT);
  await waitUntil(() => VS.every((v) => run!.hasVirtual(v) && run!.reals(v)[R] === undefined), WAIT, 'real gone from all three');
  expect(run.grep(/^Deleted real server/)).toHaveLength(3);
});

test('stale reals of a configured virtual are purged at start; a virtual not in the config is untouched', async () => {
  const real = await FlipServer.start('127.0.12.11');
  const V = '127.0.12.10:80';
  const OTHER = '127.0.12.20:80';
  const dir = daemonDir('table', {
    services: [
      service('127.0.12.10', 80, [{ addr: '127.0.12.99', port: 80, weight: 5 }]),
      service('127.0.12.20', 80, [{ addr: '127.0.12.98', port: 80, weight: 7 }]),
    ],
  });
  run = runDaemon(dir, ['checkinterval=1', 'checktimeout=2', `virtual=${V}`, `\treal=${real.addr} masq 1`, ...HTTP, ''].join('\n'));
  await run.waitFor(`Changed virtual server: ${V}`, WAIT);
  await run.waitFor(`Purged real server (start): 127.0.12.99:80 (${V})`, WAIT);
  await run.waitFor(`Added real server: ${real.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[real.addr] === 1 && run!.reals(V)['127.0.12.99:80'] === undefined, WAIT, 'stale real purged, configured real added');
  expect(run.reals(V)).toEqual({ [real.addr]: 1 });
  expect(run.reals(OTHER, true)).toEqual({ '127.0.12.98:80': 'masq 7' });
  // Nothing we ran named the foreign virtual.
  expect(run.calls().filter((c) => (c.stdin ?? c.argv.join(' ')).includes('127.0.12.20'))).toEqual([]);
  expect(run.grep(/127\.0\.12\.(20|98)/)).toEqual([]);
});

test('gate real on another port (compat B.4): tracked on the virtual port, quiesced and restored', async () => {
  const real = await FlipServer.start('127.0.12.31', 'up', 8080);
  const V = '127.0.12.30:80';
  const R = '127.0.12.31:8080';
  const ENTRY = '127.0.12.31:80'; // where ipvsadm puts a gate real
  run = runDaemon(daemonDir('table'), ['checkinterval=1', 'checktimeout=2', 'quiescent=yes', `virtual=${V}`, `\treal=${R} gate 4`, ...HTTP, ''].join('\n'));
  await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 4)`, WAIT);
  await waitUntil(() => run!.reals(V, true)[ENTRY] === 'gate 4', WAIT, 'gate real on the virtual port');

  real.health = 'fail';
  const q = await run.waitFor(`Quiescent real server: ${ENTRY} mapped from ${R} (${V}) (Weight set to 0)`, WAIT);
  await waitUntil(() => run!.reals(V, true)[ENTRY] === 'gate 0', WAIT, 'quiesced');

  real.health = 'up';
  await run.waitFor(`Restored real server: ${R} (${V}) (Weight set to 4)`, WAIT, q);
  await waitUntil(() => run!.reals(V, true)[ENTRY] === 'gate 4', WAIT, 'restored to weight 4');
  expect(run.reals(V, true)).toEqual({ [ENTRY]: 'gate 4' });
  // No failed ipvsadm command on the way (ldirectord's -a of an existing entry fails).
  expect(run.grep(/failed/)).toEqual([]);
});

describe('cleanstop', () => {
  const V = '127.0.12.40:80';
  const FOREIGN = service('127.0.12.50', 80, [{ addr: '127.0.12.51', port: 80, weight: 3 }]);

  test('cleanstop=yes: at TERM our virtual and reals are purged, a foreign virtual stays', async () => {
    const real = await FlipServer.start('127.0.12.41');
    run = runDaemon(daemonDir('table', { services: [FOREIGN] }), ['checkinterval=1', 'checktimeout=2', 'cleanstop=yes', `virtual=${V}`, `\treal=${real.addr} masq 1`, ...HTTP, ''].join('\n'));
    await run.waitFor(`Added real server: ${real.addr} (${V}) (Weight set to 1)`, WAIT);
    await waitUntil(() => run!.reals(V)[real.addr] === 1, WAIT, 'real in the table');
    expect(await run.stop()).toBe(0);
    expect(run.grep(/^Purged/)).toEqual([`Purged real server (stop): ${real.addr} (${V})`, `Purged virtual server (stop): ${V}`]);
    expect(run.grep('Linux Director Daemon terminated on signal: TERM')).toHaveLength(1);
    expect(run.table().map((s) => `${s.addr}:${s.port}`)).toEqual(['127.0.12.50:80']);
    expect(run.reals('127.0.12.50:80')).toEqual({ '127.0.12.51:80': 3 });
  });

  test('cleanstop=no: at TERM the table is left as it is', async () => {
    const real = await FlipServer.start('127.0.12.42');
    run = runDaemon(daemonDir('table', { services: [FOREIGN] }), ['checkinterval=1', 'checktimeout=2', 'cleanstop=no', `virtual=${V}`, `\treal=${real.addr} masq 1`, ...HTTP, ''].join('\n'));
    await run.waitFor(`Added real server: ${real.addr} (${V}) (Weight set to 1)`, WAIT);
    await waitUntil(() => run!.reals(V)[real.addr] === 1, WAIT, 'real in the table');
    const before = run.table();
    expect(await run.stop()).toBe(0);
    expect(run.grep(/^Purged/)).toEqual([]);
    expect(run.grep('Linux Director Daemon terminated on signal: TERM')).toHaveLength(1);
    expect(run.table()).toEqual(before);
  });
});
