import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackCommandLine, runCommand } from '../../src/alerts/command.js';
import { memoryLogger } from '../log/helpers/memory-logger.js';


/** Alive = present in /proc and not a zombie waiting for a reaper. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ldts-cmd-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fallbackCommandLine', () => {
  test('as do_fallback_command builds it, seen from ldirectord 4.12', () => {
    // Observed: "Running system(/tmp/ldt/fb.sh start 127.0.0.1:8080 tcp)" and "(/tmp/ldt/fb.sh start :0 fwm)".
    expect(fallbackCommandLine('/tmp/ldt/fb.sh', 'start', { protocol: 'tcp', addr: '127.0.0.1:8080', port: 8080 })).toBe(
      '/tmp/ldt/fb.sh start 127.0.0.1:8080 tcp',
    );
    expect(fallbackCommandLine('/tmp/ldt/fb.sh', 'stop', { protocol: 'fwm', addr: '7', port: 0 })).toBe('/tmp/ldt/fb.sh stop :0 fwm');
    expect(fallbackCommandLine('/x y', 'stop', { protocol: 'udp', addr: '[::1]:53', port: 53 })).toBe('/x y stop [::1]:53 udp');
  });
});

describe('runCommand', () => {
  test('runs through /bin/sh -c; success logs nothing and returns a complete record', async () => {
    const out = join(tmp, 'args');
    const logger = memoryLogger();
    const r = await runCommand(`printf '%s|' start 127.0.0.1:80 tcp > ${out}`, { timeoutMs: 10_000, logger });
    expect(r).toMatchObject({ exitCode: 0, signal: null, stderr: '', timedOut: false });
    expect(typeof r.durationMs).toBe('number');
    expect(readFileSync(out, 'utf8')).toBe('start|127.0.0.1:80|tcp|');
    expect(logger.lines).toEqual([]);
  });

  test('a failure logs the exit status and the first line of stderr, not a stale errno', async () => {
    const script = join(tmp, 'fb.sh');
    writeFileSync(script, '#!/bin/sh\necho "fb $@" >&2\necho second line >&2\nexit 3\n');
    chmodSync(script, 0o755);
    const logger = memoryLogger();
    const cmd = fallbackCommandLine(script, 'start', { protocol: 'tcp', addr: '127.0.0.1:8080', port: 8080 });
    const r = await runCommand(cmd, { timeoutMs: 10_000, logger });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('fb start 127.0.0.1:8080 tcp\nsecond line\n');
    expect(logger.lines).toEqual([`system(${script} start 127.0.0.1:8080 tcp) failed: exit status 3: fb start 127.0.0.1:8080 tcp`]);
  });

  test('a missing program: the shell says so, and so does the log line', async () => {
    const logger = memoryLogger();
    const r = await runCommand('/nonexistent/fallback start 1.2.3.4:80 tcp', { timeoutMs: 10_000, logger });
    expect(r.exitCode).toBe(127);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^system\(\/nonexistent\/fallback start 1\.2\.3\.4:80 tcp\) failed: exit status 127: .*\/nonexistent\/fallback.*not found/);
  });

  test('with debugLevel 3, `Running system(CMD)` comes first, as system_wrapper logs it under -d', async () => {
    const logger = memoryLogger();
    await runCommand('exit 1', { timeoutMs: 10_000, logger, debugLevel: 3 });
    expect(logger.lines).toEqual(['Running system(exit 1)', 'system(exit 1) failed: exit status 1']);
  });

  test('a hanging command is killed at the deadline with its grandchild, even one that ignores TERM', async () => {
    const pidFile = join(tmp, 'grandchild.pid');
    const logger = memoryLogger();
    // The grandchild ignores TERM; the shell waits on it forever.
    const cmd = `sh -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 1; done' & wait`;
    const r = await runCommand(cmd, { timeoutMs: 1500, killGraceMs: 300, logger });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(logger.lines).toEqual([`system(${cmd}) failed: timed out after 1500 ms`]);
    expect(existsSync(pidFile)).toBe(true);
    const gpid = Number(readFileSync(pidFile, 'utf8'));
    expect(gpid).toBeGreaterThan(0);
    expect(alive(gpid)).toBe(false);
  });

  test('the env option reaches the command', async () => {
    const logger = memoryLogger();
    const r = await runCommand('test "$LDTS_X" = yes', { timeoutMs: 10_000, logger, env: { ...process.env, LDTS_X: 'yes' } });
    expect(r.exitCode).toBe(0);
    const r2 = await runCommand('test "$LDTS_X" = yes', { timeoutMs: 10_000, logger });
    expect(r2.exitCode).toBe(1);
  });

  test('a background child holding stderr open does not hold up the result', async () => {
    const logger = memoryLogger();
    const pidFile = join(tmp, 'bg.pid');
    const r = await runCommand(`sleep 30 & echo $! > ${pidFile}; echo started >&2; exit 0`, { timeoutMs: 10_000, logger });
    expect(r.exitCode).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe('started\n');
    // Left running, as ldirectord leaves it: a fallbackcommand may start a daemon.
    const bg = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(bg)).toBe(true);
    process.kill(bg, 'SIGKILL');
  });
});
