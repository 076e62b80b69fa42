// Builders and test doubles for the scheduler tests: resolved config records
// (as src/config/ produces them), a manual clock, and CheckFactory instances
// made of plain async functions.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Config, RealServer, VirtualService } from '../../src/config/model.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import type { CheckFn, CheckTarget } from '../../src/checks/types.js';
import type { CheckFactory } from '../../src/scheduler/attempt.js';
import type { Clock } from '../../src/scheduler/clock.js';

/** A resolved real server; checkId defaults to a per-address id. */
export function real(ip: string, port: number, checkId = `chk:${ip}:${port}`): RealServer {
  return {
    line: 1, ip, port, addr: `${ip}:${port}`, forward: 'masq', weight: 1, request: '/', receive: '',
    lThreshold: 0, uThreshold: 0, checkPort: port, url: `http://${ip}:${port}/`, checkId,
  };
}

/** A resolved virtual service with ldirectord's defaults, overridable. */
export function virtual(over: Partial<VirtualService> = {}): VirtualService {
  return {
    line: 1, af: 4, protocol: 'tcp', ip: '127.0.0.1', port: 80, addr: '127.0.0.1:80', id: 'tcp:127.0.0.1:80',
    scheduler: 'wrr', ops: false, checktype: 'negotiate', numConnects: 0, service: 'http', checkcommand: '',
    request: '/', receive: '', login: '', passwd: '', database: '', secret: '', httpmethod: 'GET',
    checktimeout: 5, negotiatetimeout: 30, checkcount: 1, failurecount: 1, checkinterval: 10,
    quiescent: false, cleanstop: true, emailalert: '', emailalertfreq: 0, emailalertstatus: 0xf,
    tlsVerify: false, reals: [real('127.0.0.2', 80)],
    ...over,
  };
}

/** A whole config around some virtuals. */
export function config(virtuals: VirtualService[], maintenancedir?: string): Config {
  return {
    file: '/etc/ha.d/ldirectord.cf', name: 'ldirectord.cf', virtuals, warnings: [],
    global: {
      checkinterval: 10, checkcount: 1, failurecount: 1, autoreload: false, logfile: '/dev/null', execute: [],
      fork: false, supervised: false, quiescent: false, readdquiescent: false, emailalert: '', emailalertfreq: 0,
      emailalertstatus: 0xf, cleanstop: true, reconcileinterval: 5, shadow: false,
      ...(maintenancedir ? { maintenancedir } : {}),
    },
  };
}

/** A passing / failing result now. */
export const pass = (code: CheckResult['code'] = CheckCode.L4OK): CheckResult =>
  ({ ok: true, code, message: 'ok', durationMs: 0, attempt: 1, startedAt: Date.now() });
export const fail = (code: CheckResult['code'], message = 'failed'): CheckResult =>
  ({ ok: false, code, message, durationMs: 0, attempt: 1, startedAt: Date.now() });

/** A check that never answers on its own and reports `code` once aborted (as a real check must); `onStart` sees each start. */
export function hangingCheck(code: CheckResult['code'], seen?: AbortSignal[], onStart?: () => void): CheckFn {
  return (_t, signal) => {
    seen?.push(signal);
    onStart?.();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(fail(code, 'aborted')), { once: true }));
  };
}

/** A factory where every member is `fn` (negotiate gets the service name recorded in `calls`). */
export function factoryOf(fns: Partial<Record<'negotiate' | 'connect' | 'ping' | 'external' | 'externalPerl', CheckFn>>, calls: string[] = []): CheckFactory {
  const named = (name: string, fn: CheckFn | undefined): CheckFn => async (t: CheckTarget, s: AbortSignal) => {
    calls.push(name);
    return fn ? fn(t, s) : pass();
  };
  return {
    negotiateCheck: (service) => named(`negotiate:${service}`, fns.negotiate),
    connectCheck: named('connect', fns.connect),
    pingCheck: named('ping', fns.ping),
    externalCheck: named('external', fns.external),
    externalPerlCheck: named('external-perl', fns.externalPerl),
  };
}

/** A clock that moves only when told; timers fire in due order, with microtasks flushed between. */
export class ManualClock implements Clock {
  private t = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Armed native-timer count (the scheduler should hold at most one). */
  get pending(): number {
    return this.timers.size;
  }

  /** Advance to now + ms, firing every timer that comes due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
    await flush();
  }
}

/** Let pending promise chains run to completion. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Resolve once `cond()` holds (polling on the event loop); the test timeout bounds it. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/** A loopback TCP server on `host`: `answer` writes a line on each connection, otherwise it stays silent. */
export async function tcpServer(answer: boolean, host = '127.0.0.1'): Promise<{ port: number; closed: () => number; close: () => Promise<void> }> {
  let closed = 0;
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => { closed++; sockets.delete(s); });
    s.on('error', () => {});
    if (answer) s.write('OK\n');
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    closed: () => closed,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** A real loopback check: connect, wait for the first byte; abort destroys the socket (L4TOUT/L7TOUT). */
export function tcpGreetingCheck(port: number, onStart?: () => void): CheckFn {
  return (target, signal) => {
    const startedAt = Date.now();
    onStart?.();
    return new Promise<CheckResult>((resolve) => {
      let connected = false;
      const sock = connect({ host: target.real.ip, port });
      const done = (r: CheckResult): void => { sock.destroy(); resolve({ ...r, startedAt }); };
      signal.addEventListener('abort', () => done(fail(connected ? CheckCode.L7TOUT : CheckCode.L4TOUT, 'timeout')), { once: true });
      sock.on('connect', () => { connected = true; });
      sock.once('data', () => done(pass(CheckCode.L7OK)));
      sock.on('error', (e) => done(fail(CheckCode.L4CON, e.message)));
    });
  };
}
