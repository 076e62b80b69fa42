// Reload on SIGHUP (a changed config; a broken one, compat B.2) and supervised=yes
// output. Addresses: 127.0.15.x.
import { afterEach, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonDir, DaemonRun, disposeAll, FlipServer, runDaemon, waitUntil, writeControl } from '../helpers/daemon-run.js';

const WAIT = 15_000;
let run: DaemonRun | undefined;

afterEach(disposeAll);


const V = '127.0.15.1:80';
const HTTP = ['\tchecktype=negotiate', '\tservice=http', '\trequest="/"', '\treceive="OK"'];
const config = (reals: FlipServer[], global: string[] = []): string =>
  ['checkinterval=1', 'checktimeout=2', ...global, `virtual=${V}`, ...reals.map((r) => `\treal=${r.addr} masq 1`), ...HTTP, ''].join('\n');

test('SIGHUP with a real added and one removed: the unchanged real does not flap, the removed one is purged', async () => {
  const a = await FlipServer.start('127.0.15.2');
  const b = await FlipServer.start('127.0.15.3');
  const c = await FlipServer.start('127.0.15.4');
  run = runDaemon(daemonDir('reload'), config([a, b]));
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT);
  await run.waitFor(`Added real server: ${b.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[a.addr] === 1 && run!.reals(V)[b.addr] === 1, WAIT, 'a and b in');
  await run.verified();

  writeFileSync(run.cfg, config([a, c]));
  const from = run.lines.length;
  const callsFrom = run.calls().length;
  run.signal('SIGHUP');
  await run.waitFor('Reloading Linux Director Daemon config on signal', WAIT, from);
  await run.waitFor(`Changed virtual server: ${V}`, WAIT, from);
  await run.waitFor(`Purged real server (start): ${b.addr} (${V})`, WAIT, from);
  await run.waitFor(`Added real server: ${c.addr} (${V}) (Weight set to 1)`, WAIT, from);
  await waitUntil(() => JSON.stringify(run!.reals(V)) === JSON.stringify({ [a.addr]: 1, [c.addr]: 1 }), WAIT, 'table {a, c}');
  await run.verified();

  // a: no log line and no table command since the HUP.
  expect(run.grep(new RegExp(a.addr.replace(/\./g, '\\.')), from)).toEqual([]);
  const touched = run.calls().slice(callsFrom).filter((x) => (x.stdin ?? x.argv.join(' ')).includes(`-r ${a.addr} `) || x.argv.join(' ').endsWith(`-r ${a.addr}`));
  expect(touched).toEqual([]);
  expect(run.grep(/^Deleted real server/)).toEqual([]);
});

test('a broken config on SIGHUP is logged and the old config keeps working fully', async () => {
  const a = await FlipServer.start('127.0.15.5');
  run = runDaemon(daemonDir('reload'), config([a]));
  const start = await run.waitFor(/^Starting Linux Director v1\.186-ha with pid: \d+$/, WAIT);
  const pid = /(\d+)$/.exec(run.lines[start]!)![1];
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.reals(V)[a.addr] === 1, WAIT, 'a in');

  writeFileSync(run.cfg, config([a]).replace('checktype=negotiate', 'checktype=frobnicate'));
  const from = run.lines.length;
  run.signal('SIGHUP');
  await run.waitFor(new RegExp(`^Error \\[${pid}\\] reading file ld\\.cf at line \\d+: checktype must be `), WAIT, from);

  // Still checking and still applying: a goes down, then comes back.
  a.health = 'fail';
  const del = await run.waitFor(`Deleted real server: ${a.addr} (${V})`, WAIT, from);
  await waitUntil(() => run!.hasVirtual(V) && run!.reals(V)[a.addr] === undefined, WAIT, 'a deleted');
  a.health = 'up';
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT, del);
  await waitUntil(() => run!.reals(V)[a.addr] === 1, WAIT, 'a back');
  expect(run.grep(/^Purged/, from)).toEqual([]);
});

test('supervised=yes: `[date] message` lines on stdout, nothing on stderr', async () => {
  const a = await FlipServer.start('127.0.15.6');
  const dir = daemonDir('reload');
  // A name of its own: the pid file and control socket are named after it.
  writeFileSync(join(dir, 'supervised.cf'), config([a], ['supervised=yes']));
  run = new DaemonRun(dir, ['--ipvs=simulated', 'supervised.cf', 'start']);
  const DATE = String.raw`\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}\] `;
  const added = new RegExp(`^${DATE}Added real server: ${a.addr.replace(/\./g, '\\.')} \\(${V.replace(/\./g, '\\.')}\\) \\(Weight set to 1\\)$`);
  await waitUntil(() => run!.out.some((l) => added.test(l)), WAIT, 'the Added line on stdout');
  a.health = 'fail';
  await waitUntil(() => run!.out.some((l) => new RegExp(`^${DATE}Deleted real server: `).test(l)), WAIT, 'the Deleted line on stdout');
  expect(await run.stop()).toBe(0);
  expect(run.out.length).toBeGreaterThan(3);
  for (const line of run.out) expect(line).toMatch(new RegExp(`^${DATE}\\S`));
  expect(run.out.some((l) => l.endsWith('] Linux Director Daemon terminated on signal: TERM'))).toBe(true);
  expect(run.raw).toEqual([]);
});

// The reload reads the table and hands it to the director as its new picture: that read
// must not overlap a batch in flight, or the picture misses what the batch is adding.
test('SIGHUP while a batch is in flight: a real that then goes down is still logged Deleted', async () => {
  const a = await FlipServer.start('127.0.15.7');
  const dir = daemonDir('reload');
  // Every -R takes 4 s (under the 5 s ipvsadm deadline).
  writeControl(dir, { hang: [{ match: '-R', ms: 4000 }] });
  run = runDaemon(dir, config([a]));
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT);
  // The add is the second batch (the first is the -A): HUP while it is in flight.
  await waitUntil(() => run!.calls().filter((c) => c.argv[0] === '-R' && c.hang).length >= 2, WAIT, 'second -R in flight');
  const from = run.lines.length;
  run.signal('SIGHUP');
  await run.waitFor('Reloading Linux Director Daemon config on signal', WAIT, from);
  await run.waitFor(`Changed virtual server: ${V}`, WAIT, from);
  a.health = 'fail';
  await run.waitFor(`Deleted real server: ${a.addr} (${V})`, 20_000, from);
  await waitUntil(() => run!.hasVirtual(V) && run!.reals(V)[a.addr] === undefined, 20_000, 'a deleted');
  run.control({});
});

// TERM while ipvsadm is still applying a batch: the stop waits for that batch, then
// runs the cleanstop purge, so the table ends empty of our virtual and nothing hangs.
test('TERM while a batch is in flight: the batch finishes, then cleanstop empties the table, exit 0', async () => {
  const a = await FlipServer.start('127.0.15.8');
  const dir = daemonDir('reload');
  // Every -R takes 3 s (under the 5 s ipvsadm deadline).
  writeControl(dir, { hang: [{ match: '-R', ms: 3000 }] });
  run = runDaemon(dir, config([a]));
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT);
  await waitUntil(() => run!.calls().filter((c) => c.argv[0] === '-R' && c.hang).length >= 2, WAIT, 'second -R in flight');
  expect(await run.stop(30_000)).toBe(0);
  expect(run.grep(/^Purged virtual server \(stop\): /)).toEqual([`Purged virtual server (stop): ${V}`]);
  expect(run.hasVirtual(V)).toBe(false);
  // The purge (the last batch) was sent only once the batch in flight at TERM was done.
  const [inFlight, purge] = run.calls().filter((c) => c.argv[0] === '-R').slice(-2);
  expect(Date.parse(purge!.time)).toBeGreaterThanOrEqual(Date.parse(inFlight!.time) + inFlight!.hang!);
});

// autoreload=yes: check_cfgfile's messages, the change applied like a reload (no
// "on signal" line), the unchanged real untouched; then a broken edit is reported
// and the running config keeps working.
test('autoreload: an edit is applied without flapping; a broken edit is reported and the old config keeps running', async () => {
  const a = await FlipServer.start('127.0.15.9');
  const b = await FlipServer.start('127.0.15.10');
  run = runDaemon(daemonDir('reload'), config([a], ['autoreload=yes']));
  await run.waitFor(`Added real server: ${a.addr} (${V}) (Weight set to 1)`, WAIT);
  await run.verified();

  let from = run.lines.length;
  writeFileSync(run.cfg, config([a, b], ['autoreload=yes']));
  await run.waitFor("Configuration file 'ld.cf' has changed on disk", WAIT, from);
  await run.waitFor(' - reread new configuration', WAIT, from);
  await run.waitFor(`Added real server: ${b.addr} (${V}) (Weight set to 1)`, WAIT, from);
  expect(run.grep(/on signal/, from)).toEqual([]);
  expect(run.grep(new RegExp(a.addr.replace(/\./g, '\\.')), from)).toEqual([]);

  from = run.lines.length;
  writeFileSync(run.cfg, `${config([a, b], ['autoreload=yes'])}bogus=1\n`);
  const err = await run.waitFor(/^Error \[\d+\] reading file ld\.cf at line \d+: Unknown command bogus=1$/, WAIT, from);
  // The old config (a and b) still drives the table: b going down is still acted upon.
  b.health = 'fail';
  await run.waitFor(`Deleted real server: ${b.addr} (${V})`, WAIT, err);
  await waitUntil(() => run!.reals(V)[b.addr] === undefined && run!.reals(V)[a.addr] === 1, WAIT, 'b out, a in');
});
