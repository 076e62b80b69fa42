// The pid file as ld_init judges it.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLdirectord, pidFilePath, readPidFile, removePidFile, runDir, writePidFile } from '../../src/daemon/pidfile.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldts-pid-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('path: RUNDIR/ldirectord.CFGNAME.pid, /var/run unless LDIRECTORD_RUNDIR', () => {
  expect(runDir({})).toBe('/var/run');
  expect(pidFilePath('ldirectord.cf', runDir({}))).toBe('/var/run/ldirectord.ldirectord.cf.pid');
  expect(pidFilePath('x', runDir({ LDIRECTORD_RUNDIR: '/tmp/r' }))).toBe('/tmp/r/ldirectord.x.pid');
});

test('no file and an empty file: nothing; a dead or foreign pid: stale; an ldirectord: running', async () => {
  const p = join(dir, 'ldirectord.t.pid');
  expect(readPidFile(p)).toEqual({});
  writeFileSync(p, '');
  expect(readPidFile(p)).toEqual({});
  writeFileSync(p, '\n');
  expect(readPidFile(p)).toEqual({ filePid: '' });
  writeFileSync(p, 'self\n');
  expect(readPidFile(p)).toEqual({ filePid: 'self' });
  writeFileSync(p, `${process.pid}\n`); // jest's worker: no "ldirectord" in its cmdline
  expect(readPidFile(p)).toEqual({ filePid: String(process.pid) });
  const child = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e9)', 'ldirectord'], { stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    writeFileSync(p, `${child.pid}\nignored second line\n`);
    expect(readPidFile(p)).toEqual({ filePid: String(child.pid), pid: child.pid });
    expect(isLdirectord(child.pid!)).toBe(true);
  } finally {
    child.kill('SIGKILL');
  }
});

test('write is PID\\n; remove only removes our own pid', () => {
  const p = join(dir, 'ldirectord.t.pid');
  writePidFile(p, 4242);
  expect(readFileSync(p, 'utf8')).toBe('4242\n');
  removePidFile(p, 4343);
  expect(existsSync(p)).toBe(true);
  removePidFile(p, 4242);
  expect(existsSync(p)).toBe(false);
  removePidFile(p, 4242); // missing: no error
});
