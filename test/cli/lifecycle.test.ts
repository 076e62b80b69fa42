// The process lifecycle: `start` detaches and returns once the daemon is up,
// the daemon's cmdline is `<bin> <config as given> start`, stop/restart/reload
// reach it through the pid file, -d and supervised=yes stay in the foreground.
import { afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alive, ensureBuilt, goodConfig, ld, logLines, scratch, until, BIN, type Scratch } from './helpers.js';

// Generous: each test runs several real processes, and CI machines are shared.
jest.setTimeout(180_000);
beforeAll(() => ensureBuilt(), 180_000);

let s: Scratch;
const started: number[] = [];
beforeEach(() => {
  s = scratch();
});
afterEach(() => {
  // Never leave a daemon behind, whatever a test did.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  s.cleanup();
});

const pidFile = (name = 'test.cf') => join(s.run, `ldirectord.${name}.pid`);
const readPid = (name?: string) => Number(readFileSync(pidFile(name), 'utf8').trim());
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);

describe('detached daemon', () => {
  test('start returns 0 once the daemon runs; pid file, cmdline, status, stop', async () => {
    const cfg = goodConfig(s);
    const r = ld(s, [cfg, 'start']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    // Ready means the pid file is already there when start returns.
    expect(existsSync(pidFile())).toBe(true);
    const pid = readPid();
    started.push(pid);
    expect(alive(pid)).toBe(true);
    expect(cmdline(pid).slice(-3)).toEqual([BIN, cfg, 'start']);
    expect(cmdline(pid).join(' ')).toContain(`${BIN} ${cfg} start`);
    // The daemon is in a session of its own (setsid), not the starter's.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect(Number(stat[3])).toBe(pid); // session id == pid

    expect(ld(s, [cfg, 'status'])).toEqual({ code: 0, stdout: '', stderr: `ldirectord for ${cfg} is running with pid: ${pid}\n` });
    const log = logLines(s);
    const starter = log.find((l) => l.endsWith('] Starting Linux Director v1.186-ha as daemon'));
    expect(starter).toBeDefined();
    expect(starter).not.toContain(`|${pid}]`);

    expect(ld(s, [cfg, 'stop'])).toEqual({ code: 0, stdout: '', stderr: '' });
    await until(() => !alive(pid), 'the daemon to exit');
    expect(existsSync(pidFile())).toBe(false);
    expect(logLines(s).some((l) => l.endsWith(`|${pid}] Linux Director Daemon terminated on signal: TERM`))).toBe(true);
    expect(ld(s, [cfg, 'status']).code).toBe(3);
  });

  test('started as `./ldirectord rel.cf start`, the daemon cmdline reads exactly that (the OCF pgrep pattern)', async () => {
    symlinkSync(BIN, join(s.dir, 'ldirectord'));
    goodConfig(s, 'rel.cf');
    const r = spawnSync('./ldirectord', ['rel.cf', 'start'], { cwd: s.dir, env: s.env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const pid = readPid('rel.cf');
    started.push(pid);
    expect(cmdline(pid).join(' ')).toMatch(/ \.\/ldirectord rel\.cf start$/);
    // Relative config, daemon in "/": stop and status still work through the pid file.
    expect(ld(s, ['rel.cf', 'stop']).code).toBe(0);
    await until(() => !alive(pid), 'the daemon to exit');
  });

  test('double start: the second is silent, exit 0, and starts nothing', () => {
    const cfg = goodConfig(s);
    expect(ld(s, [cfg, 'start']).code).toBe(0);
    const pid = readPid();
    started.push(pid);
    expect(ld(s, [cfg, 'start'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readPid()).toBe(pid);
    expect(logLines(s).filter((l) => l.endsWith('Starting Linux Director v1.186-ha as daemon'))).toHaveLength(1);
  });

  test('reload sends HUP to the daemon, which keeps running', async () => {
    const cfg = goodConfig(s);
    expect(ld(s, [cfg, 'start']).code).toBe(0);
    const pid = readPid();
    started.push(pid);
    expect(ld(s, [cfg, 'force-reload'])).toEqual({ code: 0, stdout: '', stderr: '' });
    await until(() => logLines(s).some((l) => l.includes(`|${pid}] Reloading`) || l.includes(`|${pid}] Reread`)), 'the reload to be logged');
    expect(alive(pid)).toBe(true);
  });

  test('restart: TERM, wait for the pid file to go, start a new daemon; try-restart likewise', async () => {
    const cfg = goodConfig(s);
    expect(ld(s, [cfg, 'start']).code).toBe(0);
    const first = readPid();
    started.push(first);
    expect(ld(s, [cfg, 'restart'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const second = readPid();
    started.push(second);
    expect(second).not.toBe(first);
    // The old daemon removes its pid file just before it exits (as ldirectord does).
    await until(() => !alive(first), 'the old daemon to exit');
    expect(alive(second)).toBe(true);
    expect(ld(s, [cfg, 'try-restart']).code).toBe(0);
    const third = readPid();
    started.push(third);
    expect(third).not.toBe(second);
    expect(alive(third)).toBe(true);
  });

  test('restart when stopped starts it', () => {
    const cfg = goodConfig(s);
    expect(ld(s, [cfg, 'restart']).code).toBe(0);
    started.push(readPid());
    expect(alive(readPid())).toBe(true);
  });

  test('start with an unwritable run dir: the reason on stderr, exit 1', () => {
    const cfg = goodConfig(s);
    const env = { ...s.env, LDIRECTORD_RUNDIR: join(s.dir, 'no-such-dir') };
    const r = ld(s, [cfg, 'start'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Can not open ${join(s.dir, 'no-such-dir', 'ldirectord.test.cf.pid')}\n`);
  });

  test('a daemon that fails before it is ready: start prints why and exits 1, no pid file left', () => {
    const cfg = goodConfig(s);
    // The config vanishes between the starter's read and the daemon's.
    const env = { ...s.env, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(
      `if(process.env.LDIRECTORD_DETACHED_CHILD)require('fs').rmSync(${JSON.stringify(cfg)})`.replace('require', 'process.getBuiltinModule'),
    )}` };
    const r = ld(s, [cfg, 'start'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ldirectord daemon failed to start');
    expect(r.stderr).toContain(`Config file ${cfg} not found`);
    expect(existsSync(pidFile())).toBe(false);
  });
});

describe('foreground modes', () => {
  test('-d: foreground, messages on stderr, no pid file, TERM stops it with exit 0', async () => {
    const cfg = goodConfig(s);
    const child = spawn(BIN, ['-d', cfg, 'start'], { cwd: s.dir, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child.pid!);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => err.includes(`Starting Linux Director v1.186-ha with pid: ${child.pid}\n`), 'the start line');
    expect(err).toContain(`Invoking ldirectord invoked as: ${BIN} ${cfg} start \n`);
    expect(existsSync(pidFile())).toBe(false);
    // -d keeps the process in the foreground: same pid, no detaching.
    expect(alive(child.pid!)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    // ld_process_term's ld_exit is logged with -d (DEBUG 3): these are the last two lines.
    expect(err.split('\n').filter((l) => l && !l.startsWith('DEBUG')).slice(-2)).toEqual([
      'Linux Director Daemon terminated on signal: TERM',
      'Exiting with exit_status 0: Linux Director Daemon terminated on signal: TERM',
    ]);
  });

  test('a TERM sent the instant the start line appears stops the daemon cleanly (handlers precede the line)', async () => {
    const cfg = goodConfig(s);
    for (let i = 0; i < 3; i++) {
      const child = spawn(BIN, ['-d', cfg, 'start'], { cwd: s.dir, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child.pid!);
      let err = '';
      let sent = false;
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        err += c;
        // In the same tick as the line arrives: the daemon is still being built.
        if (!sent && err.includes('Starting Linux Director')) sent = child.kill('SIGTERM');
      });
      const exit = await new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      expect(sent).toBe(true);
      expect(exit).toBe(0);
      expect(err).toContain('Linux Director Daemon terminated on signal: TERM');
    }
  });

  test('supervised=yes: foreground, "[date] message" on stdout, no pid file', async () => {
    const cfg = goodConfig(s, 'sup.cf', 'supervised=yes\n');
    const child = spawn(BIN, [cfg, 'start'], { cwd: s.dir, env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child.pid!);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => out.includes('Starting Linux Director'), 'the start line');
    expect(out).toMatch(/^\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\] Invoking ldirectord invoked as: /m);
    expect(out).toContain(`] Starting Linux Director v1.186-ha with pid: ${child.pid}\n`);
    expect(existsSync(pidFile('sup.cf'))).toBe(false);
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toContain('Linux Director Daemon terminated on signal: INT');
  });

  test('a second TERM while stopping does not crash the daemon', async () => {
    const cfg = goodConfig(s);
    const child = spawn(BIN, ['-d', cfg, 'start'], { cwd: s.dir, env: s.env, stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(child.pid!);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => err.includes('Starting Linux Director'), 'the start line');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(err.match(/^Linux Director Daemon terminated on signal: TERM$/gm)).toHaveLength(1);
  });
});

describe('launcher', () => {
  test('without a build it says to run npm run build, exit 1', () => {
    const bin = join(s.dir, 'pkg', 'bin', 'ldirectord');
    mkdirSync(dirname(bin), { recursive: true });
    copyFileSync(BIN, bin);
    writeFileSync(join(s.dir, 'pkg', 'package.json'), '{"type":"module"}\n');
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('run `npm run build`');
  });
});
