// checktype=external and external-perl (ldirectord's check_external and
// check_external_perl): run checkcommand with VIP VPORT RIP RPORT, exit 0 = up.
// external-perl is run as `perl checkcommand ...` in a child rather than eval'd
// in-process: same exit-code convention, but a hung script cannot stall us.
import { isIPv6 } from 'node:net';
import type { CheckFn, CheckTarget } from './types.js';
import { CheckCode, down, up, type CheckResult } from './result.js';
import { runInGroup, type RunOptions } from './process-group.js';

/** Options of the external checks (grace between TERM and KILL, stderr kept). */
export type ExternalCheckOptions = RunOptions & {
  /** Interpreter for external-perl. Default `perl` from PATH. */
  readonly perl?: string;
};

/** ldirectord's server strings: IPv6 in brackets, as its config parser keeps them. */
function server(ip: string): string {
  return isIPv6(ip) ? `[${ip}]` : ip;
}

/** The four arguments ldirectord passes: VIP (or fwmark) VPORT RIP RPORT. */
export function externalArgs({ virtual, real }: CheckTarget): string[] {
  const vip = virtual.ip !== undefined ? server(virtual.ip) : String(virtual.fwm ?? '');
  return [vip, String(virtual.port), server(real.ip), String(real.port)];
}

/** Build the checktype=external check. */
export function createExternalCheck(opts: ExternalCheckOptions = {}): CheckFn {
  return (target, signal) => runCheck(target.virtual.checkcommand, externalArgs(target), target.virtual.checkcommand, signal, opts);
}

/** Build the checktype=external-perl check. */
export function createExternalPerlCheck(opts: ExternalCheckOptions = {}): CheckFn {
  return (target, signal) =>
    runCheck(opts.perl ?? 'perl', [target.virtual.checkcommand, ...externalArgs(target)], `perl ${target.virtual.checkcommand}`, signal, opts);
}

/** checktype=external with defaults (1 s grace). */
export const externalCheck: CheckFn = createExternalCheck();
/** checktype=external-perl with defaults. */
export const externalPerlCheck: CheckFn = createExternalPerlCheck();

async function runCheck(file: string, args: string[], label: string, signal: AbortSignal, opts: RunOptions): Promise<CheckResult> {
  const startedAt = Date.now();
  if (file === '') return down(CheckCode.EXEC, 'no checkcommand configured', startedAt);
  const o = await runInGroup(file, args, signal, opts);
  switch (o.kind) {
    case 'spawn-error': {
      const why = o.error.code === 'ENOENT' ? 'not found' : o.error.code === 'EACCES' ? 'not executable' : o.error.message;
      return down(CheckCode.EXEC, `cannot run ${label}: ${why} (${o.error.code ?? 'error'})`, startedAt);
    }
    case 'timeout':
      return down(CheckCode.EXEC, `timeout: ${label} killed at the deadline (process group TERM, then KILL)`, startedAt);
    case 'exit': {
      // '-' is ldirectord's monitorfile message for external checks.
      if (o.code === 0) return up(CheckCode.L7OK, '-', startedAt);
      const how = o.signal ? `killed by ${o.signal}` : `exit status ${o.code}`;
      const tail = o.stderr.trim().split('\n').pop();
      return down(CheckCode.EXEC, `${label}: ${how}${tail ? `: ${tail}` : ''}`, startedAt);
    }
  }
}
