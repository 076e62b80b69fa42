// Failures inside a check travel as CheckError (a code from the CheckCode
// taxonomy plus a message) until the check's top level turns them into a
// CheckResult: checks never throw to their caller.
import { isIPv6 } from 'node:net';
import { CheckCode, down, type CheckCodeValue, type CheckResult } from './result.js';

/** A check failure with its CheckCode; thrown inside a check, caught at its edge. */
export class CheckError extends Error {
  readonly code: CheckCodeValue;
  constructor(code: CheckCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckError';
    this.code = code;
  }
}

/** The message of anything thrown, never empty. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const msg = err.message || err.name;
    // Node puts the errno name in the message already for syscalls; add it when missing.
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}

/** Map a socket-level error to L4CON (refused, reset, unreachable) or L4TOUT. */
export function socketErrorCode(err: unknown): CheckCodeValue {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ETIMEDOUT' ? CheckCode.L4TOUT : CheckCode.L4CON;
}

/** Turn anything caught at a check's edge into a failing result. */
export function failure(err: unknown, startedAt: number, fallback: CheckCodeValue = CheckCode.L7RSP): CheckResult {
  if (err instanceof CheckError) return down(err.code, err.message, startedAt);
  return down(fallback, errorText(err), startedAt);
}

/** `ip:port` as ldirectord prints it (`[::1]:80` for IPv6). */
export function hostPort(ip: string, port: number): string {
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The deadline error for a check aborted in the given phase. */
export function timeoutError(code: CheckCodeValue, what: string): CheckError {
  return new CheckError(code, `timeout: ${what}`);
}
