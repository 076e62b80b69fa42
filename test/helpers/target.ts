// Build CheckTargets for check tests without going through the config parser:
// a complete VirtualService/RealServer with ldirectord's defaults, overridable.
import { isIPv6 } from 'node:net';
import type { RealServer, VirtualService } from '../../src/config/model.js';
import type { CheckTarget } from '../../src/checks/types.js';

/** Options for makeTarget: real address/port plus any virtual or real field. */
export interface TargetOptions {
  ip?: string;
  port?: number;
  virtual?: Partial<VirtualService>;
  real?: Partial<RealServer>;
}

/** A CheckTarget for one real, with the url built as ld_setup does for http. */
export function makeTarget(opts: TargetOptions = {}): CheckTarget {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 80;
  const v6 = isIPv6(ip);
  const host = v6 ? `[${ip}]` : ip;
  const service = opts.virtual?.service ?? 'http';
  const request = opts.real?.request ?? opts.virtual?.request ?? '/';
  const schema = service === 'http_proxy' ? 'http' : service;
  const url = service === 'http_proxy' ? request.replace(/^\//, '') : `${schema}://${host}:${port}/${request.replace(/^\//, '')}`;
  const real: RealServer = {
    line: 2,
    ip,
    port,
    addr: `${host}:${port}`,
    forward: 'masq',
    weight: 1,
    request,
    receive: opts.virtual?.receive ?? '',
    lThreshold: 0,
    uThreshold: 0,
    checkPort: port,
    url,
    checkId: `${host}:${port}`,
    ...opts.real,
  };
  const virtual: VirtualService = {
    line: 1,
    af: v6 ? 6 : 4,
    protocol: 'tcp',
    ip: v6 ? '::1' : '127.0.0.1',
    port: 80,
    addr: v6 ? '[::1]:80' : '127.0.0.1:80',
    id: v6 ? 'tcp:[::1]:80' : 'tcp:127.0.0.1:80',
    scheduler: 'wrr',
    ops: false,
    checktype: 'negotiate',
    numConnects: 0,
    service,
    checkcommand: '',
    request,
    receive: '',
    login: '',
    passwd: '',
    database: '',
    secret: '',
    httpmethod: 'GET',
    checktimeout: 5,
    negotiatetimeout: 5,
    checkcount: 1,
    failurecount: 1,
    checkinterval: 10,
    quiescent: false,
    cleanstop: true,
    emailalert: '',
    emailalertfreq: 0,
    emailalertstatus: 0xf,
    tlsVerify: false,
    ...opts.virtual,
    reals: [],
  };
  return { virtual: { ...virtual, reals: [real] }, real };
}

/** Run a check with a deadline, as the scheduler does: abort after ms. */
export async function runWithDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('deadline')), ms);
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
  }
}
