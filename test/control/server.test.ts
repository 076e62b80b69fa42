// The control socket server on a real unix socket: mode 0600, one JSON line in
// and out, clients that stall or never read do not hold up anyone else, a
// stale socket is replaced, a live one is left alone, close removes the file.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest, ControlError, DaemonNotRunningError } from '../../src/control/client.js';
import { controlSocketPath } from '../../src/control/paths.js';
import { ControlServer, ControlSocketBusyError } from '../../src/control/server.js';

const lines: string[] = [];
const logger = { info: (m: string) => void lines.push(m), debug: () => {} };
let dir: string;
let path: string;
const open: ControlServer[] = [];
const sockets: Socket[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldts-control-'));
  path = controlSocketPath('test.cf', dir);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of open.splice(0)) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(handlers: Record<string, (req: { cmd: string }) => unknown>, extra = {}): Promise<ControlServer> {
  const c = await ControlServer.listen({ path, logger, handlers, ...extra });
  open.push(c);
  return c;
}

/** A raw connection the test controls byte by byte. */
function raw(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

describe('ControlServer', () => {
  test('the socket is named like the pid file and is mode 0600', async () => {
    expect(path).toBe(join(dir, 'ldirectord.test.cf.sock'));
    await serve({ ping: () => 'pong' });
    const st = statSync(path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  test('one request line, one JSON answer; async handlers; unknown commands and bad JSON are errors', async () => {
    await serve({ ping: () => ({ pong: true }), slow: async () => { await new Promise((r) => setTimeout(r, 30)); return 42; } });
    await expect(controlRequest(path, { cmd: 'ping' })).resolves.toEqual({ pong: true });
    await expect(controlRequest(path, { cmd: 'slow' })).resolves.toBe(42);
    await expect(controlRequest(path, { cmd: 'nope' })).rejects.toThrow(/unknown command "nope" \(known: ping, slow\)/);
    const s = await raw();
    let answer = '';
    s.setEncoding('utf8').on('data', (c: string) => (answer += c));
    const ended = new Promise((r) => s.once('end', r));
    s.write('{not json\n');
    await ended;
    expect(JSON.parse(answer)).toMatchObject({ ok: false, error: expect.stringMatching(/^bad request/) });
  });

  test('a handler that throws answers an error and the server keeps serving', async () => {
    await serve({ boom: () => { throw new Error('kaput'); }, ping: () => 1 });
    await expect(controlRequest(path, { cmd: 'boom' })).rejects.toThrow(new ControlError('kaput'));
    await expect(controlRequest(path, { cmd: 'ping' })).resolves.toBe(1);
  });

  test('silent, half-line and never-reading clients do not block other clients', async () => {
    const big = 'x'.repeat(4 << 20); // 4 MiB answer: more than the socket buffers hold
    await serve({ big: () => big, ping: () => 'pong' });
    const silent = await raw();
    const half = await raw();
    half.write('{"cmd":"pi');
    const deaf = await raw();
    deaf.pause(); // never reads its 4 MiB answer
    deaf.write('{"cmd":"big"}\n');
    for (let i = 0; i < 5; i++) await expect(controlRequest(path, { cmd: 'ping' })).resolves.toBe('pong');
    expect(silent.destroyed).toBe(false);
  });

  test('an idle client is disconnected after idleMs', async () => {
    await serve({ ping: () => 1 }, { idleMs: 100 });
    const s = await raw();
    await new Promise((resolve) => s.once('close', resolve));
    expect(s.destroyed).toBe(true);
  });

  test('an over-long request is refused without waiting for a newline', async () => {
    await serve({ ping: () => 1 }, { maxRequestBytes: 1024 });
    const s = await raw();
    let answer = '';
    s.setEncoding('utf8').on('data', (c: string) => (answer += c));
    const ended = new Promise((r) => s.once('end', r));
    s.write('y'.repeat(4096));
    await ended;
    expect(JSON.parse(answer)).toEqual({ ok: false, error: 'request longer than 1024 bytes' });
  });

  test('a stale socket file (no listener) is replaced; close removes the file', async () => {
    // A socket file nobody listens on: bound by a process killed before it could unlink it.
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(statSync(path).isSocket()).toBe(true);
    await expect(controlRequest(path, { cmd: 'ping' })).rejects.toBeInstanceOf(DaemonNotRunningError);
    const c = await serve({ ping: () => 'new' });
    await expect(controlRequest(path, { cmd: 'ping' })).resolves.toBe('new');
    open.splice(open.indexOf(c), 1);
    await c.close();
    expect(existsSync(path)).toBe(false);
    await expect(controlRequest(path, { cmd: 'ping' })).rejects.toThrow(/no such socket/);
  });

  test('a socket another live process serves is left alone', async () => {
    await serve({ ping: () => 'first' });
    await expect(ControlServer.listen({ path, logger, handlers: {} })).rejects.toBeInstanceOf(ControlSocketBusyError);
    await expect(controlRequest(path, { cmd: 'ping' })).resolves.toBe('first');
  });

  test('a regular file at the path is not deleted', async () => {
    writeFileSync(path, 'not a socket');
    await expect(ControlServer.listen({ path, logger, handlers: {} })).rejects.toThrow(/EADDRINUSE/);
    expect(statSync(path).isFile()).toBe(true);
  });
});
