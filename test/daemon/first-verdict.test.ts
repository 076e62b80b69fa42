// No traffic before the first verdict (compat B.1), and failure detection that
// does not wait behind hung reals (compat B.5).
// Addresses: 127.0.14.x.
import { afterEach, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { closedPort, startHostileServer, type TestServer } from '../helpers/servers.js';
import { daemonDir, type DaemonRun, disposeAll, FlipServer, note, runDaemon, track, waitUntil } from '../helpers/daemon-run.js';

const WAIT = 15_000;
let run: DaemonRun | undefined;

afterEach(disposeAll);

const HTTP = ['\tchecktype=negotiate', '\tservice=http', '\trequest="/"', '\treceive="OK"'];
/** The -R lines (of every batch) that name a real. */
const linesFor = (r: DaemonRun, real: string): { time: string; line: string }[] =>
  r.calls().flatMap((c) => (c.stdin ?? '').split('\n').filter((l) => l.includes(` -r ${real} `)).map((line) => ({ time: c.time, line })));

describe('no traffic before the first verdict', () => {
  for (const quiescent of ['no', 'yes']) {
    test(`quiescent=${quiescent}: a real is added only after its first check passed; a dead real never with a weight`, async () => {
      // The live real fails its first checks, then passes: it must not be added before that.
      const live = await FlipServer.start('127.0.14.2', 'fail');
      const dead = `127.0.14.3:${await closedPort('127.0.14.3')}`;
      const V = '127.0.14.1:80';
      run = runDaemon(daemonDir('first'), ['checkinterval=1', 'checktimeout=2', `quiescent=${quiescent}`,
        `virtual=${V}`, `\treal=${live.addr} masq 5`, `\treal=${dead} masq 5`, ...HTTP, ''].join('\n'));
      await run.waitFor(`Added virtual server: ${V}`, WAIT);
      await waitUntil(() => live.requests >= 2, WAIT, 'two failing checks of the live real');
      live.health = 'up';
      // quiescent=yes: its failed first verdict placed it with weight 0, so it is restored.
      const verb = quiescent === 'yes' ? 'Restored' : 'Added';
      await run.waitFor(`${verb} real server: ${live.addr} (${V}) (Weight set to 5)`, WAIT);
      await waitUntil(() => run!.reals(V)[live.addr] === 5, WAIT, 'live real in the table');
      await run.verified();

      const adds = linesFor(run, live.addr).filter((a) => !a.line.endsWith(' -w 0 -x 0 -y 0'));
      expect(adds.length).toBeGreaterThan(0);
      // Every -R that gave it a weight started after its first passing check was answered.
      for (const a of adds) expect(a.time > live.firstOkAt).toBe(true);
      if (quiescent === 'yes') expect(run.grep(/^Quiescent real server: 127\.0\.14\.2:/)).toHaveLength(1);
      const deadLines = linesFor(run, dead).map((a) => a.line);
      if (quiescent === 'no') {
        expect(deadLines).toEqual([]);
        expect(run.reals(V)[dead]).toBeUndefined();
        expect(run.grep(new RegExp(dead.replace(/\./g, '\\.')))).toEqual([]);
      } else {
        // Placed with weight 0 directly, never with its weight.
        expect(deadLines).toEqual([`-a -t ${V} -r ${dead} -m -w 0 -x 0 -y 0`]);
        expect(run.reals(V)[dead]).toBe(0);
        expect(run.grep(/^(Added|Deleted) real server: 127\.0\.14\.3/)).toEqual([]);
      }
    });
  }
});

test('50 hung reals do not delay noticing a healthy real that dies (checkinterval=2, negotiatetimeout=3)', async () => {
  const hung: TestServer[] = [];
  for (let i = 0; i < 50; i++) hung.push(await startHostileServer('never-answer', { host: '127.0.14.20' }));
  hung.forEach(track);
  const healthy = await FlipServer.start('127.0.14.21');
  const V = '127.0.14.19:80';
  const dir = daemonDir('first');
  run = runDaemon(dir, ['checkinterval=2', 'negotiatetimeout=3', `virtual=${V}`, `\treal=${healthy.addr} masq 1`,
    ...hung.map((s) => `\treal=${s.host}:${s.port} masq 1`), ...HTTP, ''].join('\n'));
  await run.waitFor(`Added real server: ${healthy.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[healthy.addr] === 1, WAIT, 'healthy real in');
  // Let the hung reals' checks be in their timeouts, cycle after cycle.
  await waitUntil(() => hung.every((s) => s.connections() >= 2), 20_000, 'every hung real checked twice');
  expect(Object.keys(run.reals(V))).toEqual([healthy.addr]);

  // It dies the worst way: it accepts and never answers.
  const from = run.lines.length;
  healthy.health = 'hang';
  const died = Date.now();
  const bound = 2000 + 3000 + 1000;
  const i = await run.waitFor(`Deleted real server: ${healthy.addr} (${V})`, bound + 5000, from);
  const logged = run.times[i]! - died;
  await waitUntil(() => run!.reals(V)[healthy.addr] === undefined, 5000, 'healthy real out of the table');
  const removed = Date.now() - died;
  note(join(dir, '..', 'ldts-first-verdict-timing.txt'), `50 hung reals: death -> Deleted logged ${logged} ms, out of the table by ${removed} ms (bound ${bound} ms)`);
  expect(logged).toBeLessThanOrEqual(bound);
  expect(Object.keys(run.reals(V))).toEqual([]);
});
