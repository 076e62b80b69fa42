// The daemon against a misbehaving table (compat B.7, B.14): an ipvsadm command
// that fails, ipvsadm hanging, and hand changes with ipvsadm behind its back.
// Addresses: 127.0.13.x.
import { afterEach, expect, test } from '@jest/globals';
import { daemonDir, type DaemonRun, disposeAll, FlipServer, runDaemon, waitUntil, writeControl } from '../helpers/daemon-run.js';
import { ended } from '../helpers/procs.js';

const WAIT = 15_000;
let run: DaemonRun | undefined;

afterEach(disposeAll);


const HTTP = ['\tchecktype=negotiate', '\tservice=http', '\trequest="/"', '\treceive="OK"'];
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('one failing command: logged with exit status and stderr, the rest of the batch lands, retried until repaired', async () => {
  const r1 = await FlipServer.start('127.0.13.2');
  const r2 = await FlipServer.start('127.0.13.3');
  const V1 = '127.0.13.1:80';
  const V2 = '127.0.13.1:81';
  const dir = daemonDir('faults');
  // The start-up batch holds both -A lines; the second fails twice (in the -R and when run alone).
  writeControl(dir, { fail: [{ match: `-A -t ${V2}`, exit: 255, stderr: 'Memory allocation problem', times: 2 }] });
  run = runDaemon(dir, ['checkinterval=1', 'checktimeout=2', 'reconcileinterval=1',
    `virtual=${V1}`, `\treal=${r1.addr} masq 1`, ...HTTP, `virtual=${V2}`, `\treal=${r2.addr} masq 1`, ...HTTP, ''].join('\n'));
  const failed = await run.waitFor(new RegExp(`^system\\(\\./ipvsadm -A -t ${esc(V2)} -s wrr\\) failed: exit status 255: Memory allocation problem$`), WAIT);
  // The first -R carried both lines, and the other one landed.
  const first = run.calls().find((c) => c.argv[0] === '-R')!;
  expect(first.stdin).toContain(`-A -t ${V1} -s wrr`);
  expect(first.stdin).toContain(`-A -t ${V2} -s wrr`);
  expect(run.hasVirtual(V1)).toBe(true);
  // A later pass repairs it, and both virtuals get their real.
  await waitUntil(() => run!.hasVirtual(V2) && run!.reals(V2)[r2.addr] === 1 && run!.reals(V1)[r1.addr] === 1, WAIT, 'V2 created and both reals in');
  // Only commands on V2 failed (its real's add fails too while V2 is missing), none after the repair.
  const failures = run.grep(/ failed: /);
  expect(failures.every((l) => l.includes(`-t ${V2} `))).toBe(true);
  await run.verified();
  const n = failures.length;
  await new Promise((r) => setTimeout(r, 1500));
  expect(run.grep(/ failed: /)).toHaveLength(n);
  expect(failed).toBeGreaterThan(0);
  expect(run.grep(/^Added real server/)).toEqual([
    expect.stringMatching(/^Added real server: /),
    expect.stringMatching(/^Added real server: /),
  ]);
});

test('ipvsadm hanging: killed at its deadline, logged, and the next pass repairs', async () => {
  const real = await FlipServer.start('127.0.13.11');
  const V = '127.0.13.10:80';
  const dir = daemonDir('faults');
  run = runDaemon(dir, ['checkinterval=1', 'checktimeout=2', 'reconcileinterval=1', `virtual=${V}`, `\treal=${real.addr} masq 1`, ...HTTP, ''].join('\n'));
  await run.waitFor(`Added real server: ${real.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[real.addr] === 1, WAIT, 'real in');
  await run.verified();

  // Every write hangs for 10 minutes (reads still answer); then the real goes down.
  writeControl(dir, { hang: [{ match: '/^-[RaAeEdD]/', ms: 600_000 }] });
  real.health = 'fail';
  await run.waitFor(`Deleted real server: ${real.addr} (${V})`, WAIT);
  const timedOut = await run.waitFor(new RegExp(`^system\\(\\S*ipvsadm -d -t ${esc(V)} -r ${esc(real.addr)}\\) failed: timed out after \\d+ ms$`), 30_000);
  // The hung ipvsadm processes were killed, not left behind.
  const hung = run.calls().filter((c) => c.hang);
  expect(hung.length).toBeGreaterThan(0);
  await waitUntil(() => hung.every((c) => ended(c.pid)), 5000, 'hung ipvsadm processes killed');
  expect(run.reals(V)[real.addr]).toBe(1);

  // ipvsadm answers again: the next pass deletes the real.
  writeControl(dir, {});
  await waitUntil(() => run!.hasVirtual(V) && run!.reals(V)[real.addr] === undefined, 30_000, 'real deleted after the hang');
  expect(timedOut).toBeGreaterThan(0);
});

test('hand changes (real deleted, weight 0, stray real, virtual deleted) are repaired within reconcileinterval and logged', async () => {
  const real = await FlipServer.start('127.0.13.21');
  const V = '127.0.13.20:80';
  const R = real.addr;
  run = runDaemon(daemonDir('faults'), ['checkinterval=1', 'checktimeout=2', 'reconcileinterval=1', `virtual=${V}`, `\treal=${R} masq 2`, ...HTTP, ''].join('\n'));
  await run.waitFor(`Added real server: ${R} (${V}) (Weight set to 2)`, WAIT);
  const good = (): boolean => JSON.stringify(run!.reals(V, true)) === JSON.stringify({ [R]: 'masq 2' });
  await waitUntil(good, WAIT, 'real in');
  // reconcileinterval (1 s) + a pass (three ipvsadm runs) + slack for a loaded machine.
  const BOUND = 8000;

  const hand = async (args: string[], drift: RegExp): Promise<void> => {
    await run!.verified();
    const from = run!.lines.length;
    const r = run!.ipvsadm(...args);
    expect(r.status).toBe(0);
    expect(good()).toBe(false);
    await waitUntil(good, BOUND, `repair after ipvsadm ${args.join(' ')}`);
    await run!.waitFor(drift, BOUND, from);
  };
  const key = `tcp\\|${esc(V)}`;
  await hand(['-d', '-t', V, '-r', R], new RegExp(`^Table drift: real ${esc(R)} of ${key}: missing, wanted .*: repairing$`));
  await hand(['-e', '-t', V, '-r', R, '-m', '-w', '0'], new RegExp(`^Table drift: real ${esc(R)} of ${key}: found .*weight 0.*, wanted .*weight 2.*: repairing$`));
  await hand(['-a', '-t', V, '-r', '127.0.13.99:80', '-m', '-w', '1'], new RegExp(`^Table drift: real 127\\.0\\.13\\.99:80 of ${key}: found .*, not configured: repairing$`));
  await hand(['-D', '-t', V], new RegExp(`^Table drift: virtual service ${key}: missing, wanted .*: repairing$`));
  // Repairs are not transitions: no Added/Deleted lines beyond the first add.
  expect(run.grep(/^(Added|Deleted|Restored|Quiescent) real server/)).toHaveLength(1);
});
