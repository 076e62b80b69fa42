import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExternalCheck, createExternalPerlCheck, externalArgs, externalCheck, externalPerlCheck } from '../../src/checks/external.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import type { CheckFn } from '../../src/checks/types.js';
import { makeTarget, runWithDeadline, type TargetOptions } from '../helpers/target.js';
import { liveGroupMembers, readPids, waitEnded } from '../helpers/procs.js';

const FIX = fileURLToPath(new URL('../fixtures/checks/', import.meta.url));
const GRACE = 300;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ext-check-'));
  process.env['CHECK_PIDFILE'] = join(dir, 'pids');
  process.env['CHECK_ARGS_FILE'] = join(dir, 'args');
});
afterEach(() => {
  delete process.env['CHECK_PIDFILE'];
  delete process.env['CHECK_ARGS_FILE'];
  delete process.env['CHECK_ENV_PROBE'];
  rmSync(dir, { recursive: true, force: true });
});

async function run(fn: CheckFn, command: string, deadline = 5000, o: TargetOptions = {}): Promise<CheckResult> {
  const t = makeTarget({ ...o, virtual: { checktype: 'external', checkcommand: command, ...o.virtual } });
  const t0 = Date.now();
  const r = await runWithDeadline((s) => fn(t, s), deadline);
  expect(Date.now() - t0).toBeLessThan(deadline + 5000);
  return r;
}

describe('externalCheck', () => {
  test('exit 0 is up; gets VIP VPORT RIP RPORT and the inherited environment', async () => {
    process.env['CHECK_ENV_PROBE'] = 'inherited';
    const r = await run(externalCheck, `${FIX}ext-ok.sh`, 5000, { ip: '127.0.0.2', port: 8080 });
    expect(r).toMatchObject({ ok: true, code: CheckCode.L7OK, message: '-' });
    expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('127.0.0.1|80|127.0.0.2|8080|inherited|');
  });

  test('IPv6 addresses are passed bracketed, a fwmark virtual passes its mark and port 0', () => {
    expect(externalArgs(makeTarget({ ip: '::1', port: 8082 }))).toEqual(['[::1]', '80', '[::1]', '8082']);
    const fwm = makeTarget({ virtual: { protocol: 'fwm', fwm: 7, ip: undefined, port: 0 } });
    expect(externalArgs(fwm)).toEqual(['7', '0', '127.0.0.1', '80']);
  });

  test('non-zero exit is down with the status and the last stderr line', async () => {
    const r = await run(externalCheck, `${FIX}ext-fail.sh`);
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/exit status 3: backend said no$/);
  });

  test('the command is not run through a shell (arguments in checkcommand are part of the path)', async () => {
    const r = await run(externalCheck, `${FIX}ext-ok.sh extra-arg`);
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/not found \(ENOENT\)/);
  });

  test('a missing command is EXEC "not found"', async () => {
    const r = await run(externalCheck, '/nonexistent/check.sh');
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toBe('cannot run /nonexistent/check.sh: not found (ENOENT)');
  });

  test('a non-executable command is EXEC "not executable"', async () => {
    const r = await run(externalCheck, `${FIX}ext-noexec.sh`);
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/not executable \(EACCES\)/);
  });

  test('an empty checkcommand is a clear failure', async () => {
    expect((await run(externalCheck, '')).message).toBe('no checkcommand configured');
  });

  test.each([
    ['ext-hang.sh', 1, 'a hanging script'],
    ['ext-ignore-term.sh', 1, 'a script that ignores TERM'],
    ['ext-grandchild.sh', 2, 'a script whose grandchild ignores TERM and hangs'],
  ])('%s (%s): timeout at the deadline, the whole process group ends', async (script, n) => {
    const check = createExternalCheck({ graceMs: GRACE });
    const pending = run(check, `${FIX}${script}`, 400);
    const pids = await readPids(process.env['CHECK_PIDFILE']!, n);
    expect(pids).toHaveLength(n);
    const pgid = pids[pids.length - 1]!; // the script itself: the group leader
    const r = await pending;
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/^timeout: .* killed at the deadline/);
    expect(await waitEnded(pids, GRACE + 5000)).toBe(true);
    expect(liveGroupMembers(pgid)).toEqual([]);
  });
});

describe('externalPerlCheck', () => {
  test('runs the file with perl: exit 0 is up, exit 1 is down', async () => {
    expect(await run(externalPerlCheck, `${FIX}ext-check.pl`)).toMatchObject({ ok: true, message: '-' });
    const r = await run(externalPerlCheck, `${FIX}ext-check.pl`, 5000, { ip: '127.0.0.9' });
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/exit status 1/);
  });

  test('a missing script file is a failure', async () => {
    const r = await run(externalPerlCheck, '/nonexistent/check.pl');
    expect(r).toMatchObject({ ok: false, code: CheckCode.EXEC });
    expect(r.message).toMatch(/Can't open perl script/);
  });

  test('a perl script that ignores TERM is killed with its group', async () => {
    const check = createExternalPerlCheck({ graceMs: GRACE });
    const pending = run(check, `${FIX}ext-hang.pl`, 400);
    const pids = await readPids(process.env['CHECK_PIDFILE']!, 1);
    const r = await pending;
    expect(r.message).toMatch(/^timeout/);
    expect(await waitEnded(pids, GRACE + 5000)).toBe(true);
    expect(liveGroupMembers(pids[0]!)).toEqual([]);
  });
});
