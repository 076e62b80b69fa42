// The frame every protocol check runs in: one attempt, bounded by the scheduler's
// AbortSignal, whose resources (sockets, clients) are torn down however it ends.
// A check body throws CheckError for a verdict; anything else it throws is a bug
// in a library and still becomes a down result, never an exception.
import type { CheckCodeValue, CheckResult } from '../result.js';
import { CheckCode, down, up } from '../result.js';
import { CheckError } from '../errors.js';

// One CheckError for every check (thrown inside a check body, caught by runCheck), and
// one `ip:port` formatter; the protocol modules import both from here.
export { CheckError, hostPort } from '../errors.js';

/** How far the dialogue got: decides which timeout code an abort gets. */
export type Phase = 'connect' | 'tls' | 'dialogue';

const TIMEOUT_CODE: Record<Phase, CheckCodeValue> = {
  connect: CheckCode.L4TOUT,
  tls: CheckCode.L6TOUT,
  dialogue: CheckCode.L7TOUT,
};

/** Per-attempt state: the current phase and what must be destroyed when it ends. */
export class Session {
  phase: Phase = 'connect';
  readonly signal: AbortSignal;
  private readonly cleanups: Array<() => void> = [];

  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  /** Register a teardown (destroy a socket, end a client); runs once when the attempt ends. */
  defer(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** Run every teardown, swallowing their errors: a failing close must not hide the verdict. */
  close(): void {
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // the resource is being discarded anyway
      }
    }
  }
}

/**
 * Run one check body: resolves with up(L7OK, message) when the body returns, down(code)
 * when it throws, down(*TOUT) as soon as the signal aborts (without waiting for the body,
 * which may sit in a library that ignores signals: its sockets are destroyed instead).
 */
export async function runCheck(
  signal: AbortSignal,
  body: (s: Session) => Promise<string>,
): Promise<CheckResult> {
  const startedAt = Date.now();
  const session = new Session(signal);
  if (signal.aborted) return down(CheckCode.L4TOUT, 'aborted before start', startedAt);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<CheckResult>((resolve) => {
    onAbort = () => {
      const code = TIMEOUT_CODE[session.phase];
      resolve(down(code, `timeout during ${session.phase}`, startedAt));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const attempt = (async (): Promise<CheckResult> => {
    try {
      const message = await body(session);
      return up(CheckCode.L7OK, message, startedAt);
    } catch (err) {
      if (err instanceof CheckError) return down(err.code, err.message, startedAt);
      if (signal.aborted) return down(TIMEOUT_CODE[session.phase], `timeout during ${session.phase}`, startedAt);
      return down(CheckCode.L7RSP, `unexpected error: ${describe(err)}`, startedAt);
    }
  })();
  try {
    return await Promise.race([attempt, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    session.close();
  }
}

/** A short text for any thrown value (libraries throw strings, objects, AggregateErrors). */
export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}

/** Map a socket-level error to a layer: refused/reset/unreachable is L4CON, TLS trouble L6RSP. */
export function transportError(err: unknown, phase: Phase, where: string): CheckError {
  if (err instanceof CheckError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const text = `${describe(err)} (${where})`;
  if (phase === 'tls' || /^ERR_SSL|^ERR_TLS|CERT|SELF_SIGNED|UNABLE_TO/.test(code)) {
    return new CheckError(CheckCode.L6RSP, `TLS handshake failed: ${text}`);
  }
  if (phase === 'connect') return new CheckError(CheckCode.L4CON, `connect failed: ${text}`);
  return new CheckError(CheckCode.L7RSP, `connection lost: ${text}`);
}

/** Compile a receive= regex; an invalid one is a failed check, not a crash. */
export function receiveRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new CheckError(CheckCode.L7RSP, `invalid receive regex /${source}/: ${describe(err)}`);
  }
}
