// The observability extensions end to end, on real processes: `bin/ldirectord
// -d CFG start` in a temp dir whose ./ipvsadm is the fake, real loopback HTTP
// servers as reals; then `report`, `report --json`, `diff`, a /metrics scrape
// parsed as Prometheus text, and a shadow daemon next to a normal one.
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusSnapshot } from '../../src/control/snapshot.js';
import { parseExposition, samples } from '../metrics/parse.js';
import { BIN, ensureBuilt, ROOT } from './helpers.js';

const FAKE = join(ROOT, 'test', 'fixtures', 'ipvsadm');
const VIP = '127.0.0.2:80';

beforeAll(() => ensureBuilt(), 180_000);

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run bin/ldirectord to completion without blocking this process's loop (the real servers live here). */
function ld(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function httpServer(): Promise<Server> {
  const s = createHttpServer((_req, res) => res.end('OK\n'));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return s;
}

/** A loopback port nobody listens on (connects are refused). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const portOf = (s: Server): number => (s.address() as AddressInfo).port;

/** A daemon in the foreground (-d), its stderr lines collected. */
interface Daemon {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  readonly cfg: string;
  readonly run: string;
  stop(): Promise<void>;
}

/** A work dir with ./ipvsadm, a run dir and the config. `ipvsadm` replaces the symlink to the fake with a script. */
function workdir(cfgText: string, shared: string, ipvsadm?: string): { dir: string; cfg: string; run: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'ldts-report-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const run = join(dir, 'run');
  mkdirSync(run);
  if (ipvsadm) {
    writeFileSync(join(dir, 'ipvsadm'), ipvsadm);
    chmodSync(join(dir, 'ipvsadm'), 0o755);
  } else {
    symlinkSync(FAKE, join(dir, 'ipvsadm'));
  }
  const cfg = join(dir, 'ld.cf');
  writeFileSync(cfg, cfgText);
  const env: NodeJS.ProcessEnv = { ...process.env, LDIRECTORD_RUNDIR: run, LDIRECTORD_IPVS: 'ipvsadm', FAKE_IPVSADM_DIR: shared };
  delete env.LDIRECTORD_SHADOW;
  delete env.LDIRECTORD_METRICS;
  return { dir, cfg, run, env };
}

function startDaemon(w: ReturnType<typeof workdir>, flags: string[] = []): Daemon {
  const child = spawn(BIN, [...flags, '-d', w.cfg, 'start'], { cwd: w.dir, env: w.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  cleanups.push(stop);
  return { child, lines, stop, ...w };
}

async function report(d: Pick<Daemon, 'cfg' | 'env' | 'dir'>): Promise<StatusSnapshot | undefined> {
  const r = await ld([d.cfg, 'report', '--json'], d.env, d.dir);
  return r.code === 0 ? (JSON.parse(r.stdout) as StatusSnapshot) : undefined;
}

function shared(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ldts-report-fake-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function config(up: number, down: number, extra = ''): string {
  return [
    'checktimeout=2', 'checkinterval=1', 'reconcileinterval=3600', extra,
    `virtual=${VIP}`,
    `\treal=127.0.0.1:${up} masq 2`,
    `\treal=127.0.0.1:${down} masq 1`,
    '\tfallback=127.0.0.9:80 masq',
    '\tservice=http', '\tchecktype=negotiate', '\trequest="/"', '\tscheduler=wrr', '',
  ].join('\n');
}

describe('report, diff and metrics of a running daemon', () => {
  test('report shows state, weights, verdicts and history; metrics parse; diff finds a hand change', async () => {
    const upSrv = await httpServer();
    const up = portOf(upSrv);
    const down = await freePort();
    const metricsPort = await freePort();
    const fake = shared();
    const w = workdir(config(up, down, `metrics=127.0.0.1:${metricsPort}`), fake);
    const d = startDaemon(w);
    const UP = `127.0.0.1:${up}`;
    const DOWN = `127.0.0.1:${down}`;

    const snap = await poll('both verdicts and the table', async () => {
      const s = await report(d);
      const reals = s?.virtuals[0]?.reals;
      return reals?.[0]?.state === 'up' && reals[0].tableWeight === 2 && (reals[1]?.consecutiveFailures ?? 0) >= 2 ? s : undefined;
    });
    expect(snap).toMatchObject({ implementation: 'ldirectord-ts', version: '1.186-ha', pid: d.child.pid, shadow: false, metrics: `127.0.0.1:${metricsPort}` });
    const [v] = snap.virtuals;
    expect(v).toMatchObject({ virtual: `tcp:${VIP}`, scheduler: 'wrr', checktype: 'negotiate/http', inTable: true });
    expect(v!.reals[0]).toMatchObject({ real: UP, state: 'up', tableWeight: 2, configuredWeight: 2, consecutiveFailures: 0, last: { ok: true, code: 'L7OK' } });
    expect(v!.reals[1]).toMatchObject({ real: DOWN, state: 'down', tableWeight: null, configuredWeight: 1, last: { ok: false, code: 'L4CON' } });
    expect(v!.reals[1]!.history.length).toBeGreaterThanOrEqual(2);
    expect(v!.reals[1]!.history.every((h) => h.code === 'L4CON' && h.message.length > 0)).toBe(true);
    expect(v!.fallback).toMatchObject({ real: '127.0.0.9:80', state: 'down', tableWeight: null });

    // The readable form: one row per real, the history under the down one.
    const text = await ld([d.cfg, 'report'], d.env, d.dir);
    expect(text.code).toBe(0);
    const rows = text.stdout.split('\n');
    expect(rows[0]).toContain(`for ${d.cfg}: pid ${d.child.pid}`);
    expect(rows.find((l) => l.startsWith(`tcp:${VIP}`))).toMatch(/wrr {2}negotiate\/http {2}1\/2 up/);
    expect(rows.find((l) => l.includes(UP))).toMatch(new RegExp(`^ {2}${UP} +up +2/2 +L7OK `));
    const downRow = rows.findIndex((l) => l.includes(DOWN));
    expect(rows[downRow]).toMatch(new RegExp(`^ {2}${DOWN} +down +-/1 +L4CON `));
    expect(rows[downRow + 1]).toMatch(/^ {6}\d\d:\d\d:\d\d L4CON +\d+ ms {2}\S/);
    expect(rows.find((l) => l.includes('127.0.0.9:80 (fallback)'))).toMatch(/standby +-\/1/);

    // The control socket: next to where the pid file would be, root only.
    const sock = join(d.run, 'ldirectord.ld.cf.sock');
    expect(statSync(sock).mode & 0o777).toBe(0o600);

    // Metrics: strict parse, then the facts the report showed.
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    expect(samples(m, 'ldirectord_info')).toEqual([{ name: 'ldirectord_info', labels: { version: '1.186-ha', implementation: 'ldirectord-ts' }, value: 1 }]);
    const pair = (real: string) => ({ virtual: `tcp:${VIP}`, real });
    expect(samples(m, 'ldirectord_real_up', pair(UP))[0]!.value).toBe(1);
    expect(samples(m, 'ldirectord_real_up', pair(DOWN))[0]!.value).toBe(0);
    expect(samples(m, 'ldirectord_real_weight', pair(UP))[0]!.value).toBe(2);
    expect(samples(m, 'ldirectord_real_weight', pair(DOWN))).toEqual([]);
    expect(samples(m, 'ldirectord_real_configured_weight', pair(DOWN))[0]!.value).toBe(1);
    expect(samples(m, 'ldirectord_check_results_total', { check: 'http', code: 'L7OK' })[0]!.value).toBeGreaterThanOrEqual(1);
    expect(samples(m, 'ldirectord_check_results_total', { check: 'http', code: 'L4CON' })[0]!.value).toBeGreaterThanOrEqual(2);
    expect(samples(m, 'ldirectord_real_transitions_total', { ...pair(UP), to: 'up' })[0]!.value).toBe(1);
    expect(samples(m, 'ldirectord_real_transitions_total', { ...pair(DOWN), to: 'down' })[0]!.value).toBe(1);
    expect(samples(m, 'ldirectord_ipvsadm_batches_total')[0]!.value).toBeGreaterThanOrEqual(1);
    expect(samples(m, 'ldirectord_ipvsadm_command_failures_total')[0]!.value).toBe(0);
    expect(samples(m, 'ldirectord_fallback_active', { virtual: `tcp:${VIP}` })[0]!.value).toBe(0);
    expect(samples(m, 'ldirectord_scheduler_jobs')[0]!.value).toBe(2);
    expect(m.get('ldirectord_event_loop_lag_max_seconds')!.type).toBe('gauge');
    expect(m.get('ldirectord_checks_inconclusive_total')!.type).toBe('counter');
    const buckets = samples(m, 'ldirectord_check_duration_seconds_bucket', { check: 'http' });
    const inf = buckets.find((b) => b.labels.le === '+Inf')!.value;
    expect(inf).toBe(samples(m, 'ldirectord_check_duration_seconds_count', { check: 'http' })[0]!.value);
    buckets.forEach((b, i) => i > 0 && expect(b.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value));

    // diff: in sync, then a real deleted by hand is reported with its repair, and nothing is run.
    expect(await ld([d.cfg, 'diff'], d.env, d.dir)).toEqual({ code: 0, stdout: '# in sync: the IPVS table holds what the daemon wants\n', stderr: '' });
    const hand = spawn(join(d.dir, 'ipvsadm'), ['-d', '-t', VIP, '-r', UP], { env: d.env });
    expect(await new Promise((r) => hand.on('close', r))).toBe(0);
    const diff = await ld([d.cfg, 'diff'], d.env, d.dir);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`# real ${UP} of tcp|${VIP}: missing, wanted Masq weight 2\n`);
    expect(diff.stdout).toMatch(new RegExp(`\\n\\S*ipvsadm -a -t ${VIP} -r ${UP} -m -w 2 -x 0 -y 0\\n`));
    const table = JSON.parse(readFileSync(join(fake, 'table.json'), 'utf8')) as { services: { dests: unknown[] }[] };
    expect(table.services[0]!.dests).toEqual([]);
    const json = JSON.parse((await ld([d.cfg, 'diff', '--json'], d.env, d.dir)).stdout) as { inSync: boolean; drift: { kind: string }[] };
    expect(json).toMatchObject({ inSync: false, drift: [{ kind: 'missing-dest' }] });

    // Stop: the socket is removed, and report says the daemon is not running (exit 3).
    await d.stop();
    expect(existsSync(sock)).toBe(false);
    const after = await ld([d.cfg, 'report'], d.env, d.dir);
    expect(after.code).toBe(3);
    expect(after.stdout).toBe('');
    expect(after.stderr).toMatch(/^ldirectord is not running for .*ld\.cf: no daemon answers on .*ldirectord\.ld\.cf\.sock/);
    expect((await ld([d.cfg, 'diff'], d.env, d.dir)).code).toBe(3);
  });

  test('report and diff without a daemon: exit 3 and a message on stderr; unknown config: exit 1', async () => {
    const w = workdir(config(1, 2), shared());
    const r = await ld([w.cfg, 'report', '--json'], w.env, w.dir);
    expect(r).toMatchObject({ code: 3, stdout: '' });
    expect(r.stderr).toContain(`ldirectord is not running for ${w.cfg}`);
    expect((await ld([join(w.dir, 'nope.cf'), 'report'], w.env, w.dir)).code).toBe(1);
    expect((await ld([w.cfg, 'report', '--yaml'], w.env, w.dir)).code).toBe(255); // usage
  });
});

describe('shadow mode', () => {
  test('a shadow daemon on the same table logs its would-be commands and never writes', async () => {
    const upSrv = await httpServer();
    const up = portOf(upSrv);
    const down = await freePort();
    const UP = `127.0.0.1:${up}`;
    const fake = shared();
    const text = config(up, down);
    // The shadow daemon's ./ipvsadm records every argv it is called with, then runs the fake on the shared table.
    const argvLog = join(fake, 'shadow-argv.log');
    const wrapper = `#!/bin/sh\necho "$*" >> '${argvLog}'\nexec '${FAKE}' "$@"\n`;
    const sw = workdir(text, fake, wrapper);
    const shadow = startDaemon(sw, ['--shadow']);
    await poll('the shadow daemon to decide', async () =>
      shadow.lines.some((l) => l.includes(`shadow: would run `) && l.includes(`-a -t ${VIP} -r ${UP} -m -w 2`)) ? true : undefined);
    expect(shadow.lines.some((l) => /shadow: would run \S*ipvsadm -A -t 127\.0\.0\.2:80 -s wrr/.test(l))).toBe(true);
    const before = await ld([sw.cfg, 'diff'], sw.env, sw.dir);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('# (the daemon runs in shadow mode: it never writes the table)');
    expect(before.stdout).toMatch(new RegExp(`-A -t ${VIP} -s wrr\\n`));
    expect((await report(sw))!.shadow).toBe(true);
    expect(existsSync(join(fake, 'table.json')) ? JSON.parse(readFileSync(join(fake, 'table.json'), 'utf8')).services : []).toEqual([]);

    // The owner, same config, same table: it writes; the shadow then sees the table it wanted.
    const nw = workdir(text, fake);
    const owner = startDaemon(nw);
    await poll('the owner to add the up real', async () => {
      const s = await report(owner);
      return s?.virtuals[0]?.reals[0]?.tableWeight === 2 ? true : undefined;
    });
    expect(await ld([sw.cfg, 'diff'], sw.env, sw.dir)).toMatchObject({ code: 0 });

    // Every call the shadow daemon made was a read.
    const calls = readFileSync(argvLog, 'utf8').split('\n').filter(Boolean);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !/^(-S -n|-L -n --thresholds)$/.test(c))).toEqual([]);
    // The owner's writes are in the fake's own log (and only the owner's: the shadow made none).
    const writes = readFileSync(join(fake, 'calls.log'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { argv: string[] }).filter((c) => c.argv[0] === '-R');
    expect(writes.length).toBeGreaterThan(0);
  });
});
