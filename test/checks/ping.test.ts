import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPingCheck, pingArgs, pingCheck } from '../../src/checks/ping.js';
import { CheckCode } from '../../src/checks/result.js';
import { makeTarget, runWithDeadline } from '../helpers/target.js';
import { LOOPBACKS } from '../helpers/servers.js';

const FAKE = fileURLToPath(new URL('../fixtures/checks/fake-ping.sh', import.meta.url));

test('/bin/ping exists (CI must install iputils-ping)', () => {
  expect(existsSync('/bin/ping')).toBe(true);
});

test('arguments: one echo, -W in whole seconds, numeric, quiet, -6 for IPv6', () => {
  expect(pingArgs('127.0.0.1', 5)).toEqual(['-c', '1', '-W', '5', '-n', '-q', '127.0.0.1']);
  expect(pingArgs('::1', 0.2)).toEqual(['-c', '1', '-W', '1', '-n', '-q', '-6', '::1']);
});

describe.each(LOOPBACKS)('real /bin/ping to %s', (ip) => {
  test('answers: up (L4OK)', async () => {
    const t = makeTarget({ ip, virtual: { checktype: 'ping', checktimeout: 2 } });
    const r = await runWithDeadline((s) => pingCheck(t, s), 10000);
    expect(r).toMatchObject({ ok: true, code: CheckCode.L4OK, message: '-', attempt: 1 });
  });
});

describe('attempts and deadline (fake ping)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ping-check-'));
    process.env['FAKE_PING_LOG'] = join(dir, 'log');
  });
  afterEach(() => {
    for (const k of ['FAKE_PING_LOG', 'FAKE_PING_EXIT', 'FAKE_PING_HANG']) delete process.env[k];
    rmSync(dir, { recursive: true, force: true });
  });

  test('no reply: checkcount attempts, then PING down with the reason', async () => {
    const t = makeTarget({ ip: '127.0.0.1', virtual: { checktype: 'ping', checkcount: 3, checktimeout: 1 } });
    const r = await runWithDeadline((s) => createPingCheck({ pingPath: FAKE })(t, s), 10000);
    expect(r).toMatchObject({ ok: false, code: CheckCode.PING, attempt: 3 });
    expect(r.message).toBe('no reply from 127.0.0.1 (3 attempts): fake: 100% packet loss');
    expect(readFileSync(join(dir, 'log'), 'utf8').trim().split('\n')).toEqual(Array(3).fill('-c 1 -W 1 -n -q 127.0.0.1'));
  });

  test('a ping still running at the deadline is killed: L4TOUT', async () => {
    process.env['FAKE_PING_HANG'] = '1';
    const t = makeTarget({ ip: '::1', virtual: { checktype: 'ping', checkcount: 2 } });
    const t0 = Date.now();
    const r = await runWithDeadline((s) => createPingCheck({ pingPath: FAKE })(t, s), 300);
    expect(Date.now() - t0).toBeLessThan(5300);
    expect(r).toMatchObject({ ok: false, code: CheckCode.L4TOUT, attempt: 1 });
  });

  test('a missing ping program is a loud failure', async () => {
    const t = makeTarget({ virtual: { checktype: 'ping' } });
    const r = await runWithDeadline((s) => createPingCheck({ pingPath: '/nonexistent/ping' })(t, s), 5000);
    expect(r).toMatchObject({ ok: false, code: CheckCode.PING });
    expect(r.message).toMatch(/cannot run \/nonexistent\/ping: not found/);
  });
});
