// checktype=ping, and checktype=connect on udp virtuals (ldirectord's
// check_ping: Net::Ping icmp, up to checkcount attempts of checktimeout each).
// We run iputils ping rather than open raw sockets: it holds cap_net_raw, we
// need no privilege, and unprivileged ICMP sockets are usually disabled.
import { isIPv6 } from 'node:net';
import type { CheckFn } from './types.js';
import { CheckCode, down, up } from './result.js';
import { runInGroup } from './process-group.js';

/** Options of the ping check. */
export interface PingCheckOptions {
  /** The ping program (iputils). Default /bin/ping. */
  readonly pingPath?: string;
}

/** Arguments for one echo request: `-c 1 -W <s> -n -q [-6] ip`. */
export function pingArgs(ip: string, timeoutSec: number): string[] {
  // iputils takes -W in seconds; a fraction below 1 would mean "wait 0".
  const w = String(Math.max(1, Math.ceil(timeoutSec)));
  return ['-c', '1', '-W', w, '-n', '-q', ...(isIPv6(ip) ? ['-6'] : []), ip];
}

/** Build a ping check. */
export function createPingCheck(opts: PingCheckOptions = {}): CheckFn {
  const ping = opts.pingPath ?? '/bin/ping';
  return async ({ virtual, real }, signal) => {
    const startedAt = Date.now();
    const attempts = Math.max(1, virtual.checkcount);
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // ping ends on TERM: a short grace is plenty.
      const o = await runInGroup(ping, pingArgs(real.ip, virtual.checktimeout), signal, { graceMs: 200 });
      if (o.kind === 'timeout') return down(CheckCode.L4TOUT, `timeout: ping ${real.ip} (attempt ${attempt}/${attempts})`, startedAt, attempt);
      if (o.kind === 'spawn-error') {
        return down(CheckCode.PING, `cannot run ${ping}: ${o.error.code === 'ENOENT' ? 'not found' : o.error.message} (${o.error.code})`, startedAt);
      }
      // '-' is ldirectord's monitorfile message for ping.
      if (o.code === 0) return up(CheckCode.L4OK, '-', startedAt, attempt);
      last = o.stderr.trim().split('\n').pop() ?? '';
    }
    return down(CheckCode.PING, `no reply from ${real.ip} (${attempts} attempt${attempts > 1 ? 's' : ''})${last ? `: ${last}` : ''}`, startedAt, attempts);
  };
}

/** The ping check with /bin/ping. */
export const pingCheck: CheckFn = createPingCheck();
