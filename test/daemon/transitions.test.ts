// The daemon end to end on one virtual: a real going down and up (delete and
// quiescent), failurecount, fallback with fallbackcommand, readdquiescent.
// Real processes: bin/ldirectord -d, the fake ipvsadm, a loopback HTTP server.
// Addresses: 127.0.11.x.
import { afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { argvRecorder, daemonDir, type DaemonRun, disposeAll, FlipServer, runDaemon, waitUntil, writeControl } from '../helpers/daemon-run.js';

const V = '127.0.11.1:80';
const WAIT = 15_000;
let run: DaemonRun | undefined;

afterEach(disposeAll);


function config(real: FlipServer, extra: string[] = [], global: string[] = []): string {
  return [
    'checkinterval=1',
    'checktimeout=2',
    ...global,
    `virtual=${V}`,
    `\treal=${real.addr} masq 3`,
    '\tchecktype=negotiate',
    '\tservice=http',
    '\trequest="/"',
    '\treceive="OK"',
    ...extra.map((l) => `\t${l}`),
    '',
  ].join('\n');
}

/** The lines about servers (transitions), in order. */
const serverLines = (r: DaemonRun): string[] => r.lines.filter((l) => / server[: ]/.test(l));

describe('a real going down and up', () => {
  test('quiescent=no: Added, Deleted (gone from the table), Added again', async () => {
    const real = await FlipServer.start('127.0.11.2');
    run = runDaemon(daemonDir('trans'), config(real, ['quiescent=no']));
    const R = real.addr;
    await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT);
    await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real in the table with weight 3');

    real.health = 'fail';
    const del = await run.waitFor(`Deleted real server: ${R} (${V})`, WAIT);
    await waitUntil(() => run!.hasVirtual(V) && run!.reals(V)[R] === undefined, WAIT, 'real gone, virtual kept');

    real.health = 'up';
    await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT, del);
    await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real back with weight 3');
    expect(serverLines(run)).toEqual([
      `Added virtual server: ${V}`,
      `Added real server: ${R} (${V}) (Weight set to 3)`,
      `Deleted real server: ${R} (${V})`,
      `Added real server: ${R} (${V}) (Weight set to 3)`,
    ]);
    expect(run.reals(V, true)).toEqual({ [R]: 'masq 3' });
  });

  test('quiescent=yes: Added, Quiescent (weight 0 in the table), Restored', async () => {
    const real = await FlipServer.start('127.0.11.3');
    run = runDaemon(daemonDir('trans'), config(real, ['quiescent=yes']));
    const R = real.addr;
    await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT);
    await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real in the table with weight 3');

    real.health = 'fail';
    const q = await run.waitFor(`Quiescent real server: ${R} (${V}) (Weight set to 0)`, WAIT);
    await waitUntil(() => run!.reals(V)[R] === 0, WAIT, 'real kept with weight 0');

    real.health = 'up';
    await run.waitFor(`Restored real server: ${R} (${V}) (Weight set to 3)`, WAIT, q);
    await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real restored to weight 3');
    expect(serverLines(run)).toEqual([
      `Added virtual server: ${V}`,
      `Added real server: ${R} (${V}) (Weight set to 3)`,
      `Quiescent real server: ${R} (${V}) (Weight set to 0)`,
      `Restored real server: ${R} (${V}) (Weight set to 3)`,
    ]);
  });
});

test('failurecount=3: Soft failure 1/3, 2/3, then Deleted; recovery resets the count and re-adds', async () => {
  const real = await FlipServer.start('127.0.11.4');
  run = runDaemon(daemonDir('trans'), config(real, ['failurecount=3']));
  const R = real.addr;
  const VID = `tcp:${V}`;
  await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT);
  await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real in the table with weight 3');

  real.health = 'fail';
  const s1 = await run.waitFor(`Soft failure real server: ${R} (${VID}) failure 1/3`, WAIT);
  // Still serving after the first two failures.
  expect(run.reals(V)[R]).toBe(3);
  const s2 = await run.waitFor(`Soft failure real server: ${R} (${VID}) failure 2/3`, WAIT, s1);
  const del = await run.waitFor(`Deleted real server: ${R} (${V})`, WAIT, s2);
  await waitUntil(() => run!.reals(V)[R] === undefined, WAIT, 'real deleted after the third failure');

  real.health = 'up';
  const reset = await run.waitFor(`Resetting soft failure count: ${R} (${VID})`, WAIT, del);
  const added = await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT, del);
  expect(reset).toBeLessThan(added);
  await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real back');
  // No third soft failure line, and exactly one deletion.
  expect(run.grep(/failure 3\/3/)).toEqual([]);
  expect(run.grep(/^Deleted real server/)).toHaveLength(1);
});

test('fallback with fallbackcommand: in while the real is down, out when it is up, command once per change', async () => {
  const real = await FlipServer.start('127.0.11.5', 'fail');
  const dir = daemonDir('trans');
  const out = join(dir, 'fallback.argv');
  const cmd = argvRecorder(dir, 'fallback.sh', out);
  const F = '127.0.11.9:80';
  run = runDaemon(dir, config(real, [`fallback=${F} masq`, `fallbackcommand="${cmd}"`]));
  const R = real.addr;
  const argv = (): string[] => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);

  // Down from the first verdict: the fallback goes in, the command says start; the real never went in.
  const fin = await run.waitFor(`Added fallback server: ${F} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[F] === 1, WAIT, 'fallback in the table');
  await waitUntil(() => argv().length === 1, WAIT, 'fallbackcommand start');
  expect(argv()).toEqual([`start ${V} tcp`]);
  expect(run.reals(V)[R]).toBeUndefined();

  real.health = 'up';
  const add = await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT, fin);
  const fout = await run.waitFor(`Deleted fallback server: ${F} (${V})`, WAIT, fin);
  expect(add).toBeLessThan(fout);
  await waitUntil(() => run!.reals(V)[F] === undefined && run!.reals(V)[R] === 3, WAIT, 'fallback out, real in');
  await waitUntil(() => argv().length === 2, WAIT, 'fallbackcommand stop');

  real.health = 'fail';
  await run.waitFor(`Added fallback server: ${F} (${V}) (Weight set to 1)`, WAIT, fout);
  await waitUntil(() => argv().length === 3, WAIT, 'fallbackcommand start again');
  // A few more failing checks change nothing: the command runs once per change.
  await new Promise((r) => setTimeout(r, 2500));
  expect(argv()).toEqual([`start ${V} tcp`, `stop ${V} tcp`, `start ${V} tcp`]);
  expect(run.reals(V)).toEqual({ [F]: 1 });
});

test('readdquiescent=yes: a quiesced real deleted by hand is re-added with weight 0', async () => {
  const real = await FlipServer.start('127.0.11.6');
  run = runDaemon(daemonDir('trans'), config(real, ['quiescent=yes'], ['readdquiescent=yes']));
  const R = real.addr;
  await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT);
  await waitUntil(() => run!.reals(V)[R] === 3, WAIT, 'real in the table with weight 3');
  real.health = 'fail';
  await run.waitFor(`Quiescent real server: ${R} (${V}) (Weight set to 0)`, WAIT);
  await waitUntil(() => run!.reals(V)[R] === 0, WAIT, 'quiesced');
  await run.verified();

  const before = run.lines.length;
  const r = run.ipvsadm('-d', '-t', V, '-r', R);
  expect(r.status).toBe(0);
  expect(run.reals(V)[R]).toBeUndefined();
  await waitUntil(() => run!.reals(V)[R] === 0, WAIT, 'real re-added with weight 0');
  expect(run.reals(V, true)).toEqual({ [R]: 'masq 0' });
  // Never put back with its weight while down.
  expect(run.calls().filter((c) => c.stdin?.includes(`-r ${R} -m -w 3`))).toHaveLength(1);
  await run.waitFor(`Table drift: real ${R} of tcp|${V}: missing, wanted Masq weight 0: repairing`, WAIT, before);
  expect(run.grep(/^(Added|Restored) real server/, before)).toEqual([]);
});

// The director decides log texts against its picture of the table; a batch that
// lands after a transition was decided must not wipe that transition from the picture.
test('a verdict while a batch is in flight: a real that goes down right after its add is logged Deleted', async () => {
  const real = await FlipServer.start('127.0.11.7');
  const dir = daemonDir('trans');
  // Every -R takes 2.5 s (under the 5 s ipvsadm deadline): the first check passes while
  // the start-up batch (-A) is in flight, and the real's add is the second batch.
  writeControl(dir, { hang: [{ match: '-R', ms: 2500 }] });
  run = runDaemon(dir, config(real, ['quiescent=no']));
  const R = real.addr;
  await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 3)`, WAIT);
  await waitUntil(() => run!.calls().filter((c) => c.argv[0] === '-R' && c.hang).length >= 2, WAIT, 'second -R in flight');
  real.health = 'fail';
  await run.waitFor(`Deleted real server: ${R} (${V})`, WAIT);
  await waitUntil(() => run!.hasVirtual(V) && run!.reals(V)[R] === undefined, WAIT, 'real deleted');
  run.control({});
});
