// The outcome of one check attempt: a complete record, so that the director,
// the monitorfile, the report command and the metrics all read the same facts.

/**
 * Result codes, layered as HAProxy's check status taxonomy: L4 = transport,
 * L6 = TLS, L7 = application. INCONCLUSIVE is ours: the deadline fired while
 * our own event loop was starved, so the attempt says nothing about the real.
 */
export const CheckCode = {
  /** Layer 7 answer is what we wanted (or connect/ping succeeded: L4OK). */
  L4OK: 'L4OK',
  L7OK: 'L7OK',
  /** Connection refused / reset / unreachable. */
  L4CON: 'L4CON',
  /** Connect did not complete before the deadline. */
  L4TOUT: 'L4TOUT',
  /** TLS handshake failed. */
  L6RSP: 'L6RSP',
  /** TLS handshake did not complete before the deadline. */
  L6TOUT: 'L6TOUT',
  /** Wrong status (HTTP non-2xx, SMTP 5xx, ...). */
  L7STS: 'L7STS',
  /** Malformed or unexpected answer (garbage, receive regex mismatch, bad login). */
  L7RSP: 'L7RSP',
  /** Connected, but the dialogue did not finish before the deadline. */
  L7TOUT: 'L7TOUT',
  /** External command exited non-zero, could not start, or was killed at the deadline. */
  EXEC: 'EXEC',
  /** ICMP echo got no answer. */
  PING: 'PING',
  /** A client library or driver is missing (e.g. oracle). */
  NODRIVER: 'NODRIVER',
  /** Real forced down by a file in maintenancedir. */
  MAINT: 'MAINT',
  /** Deadline fired while the event loop lagged: neither up nor down. */
  INCONCLUSIVE: 'INCONCLUSIVE',
} as const;

/** One of CheckCode's values. */
export type CheckCodeValue = (typeof CheckCode)[keyof typeof CheckCode];

/** The complete record of one check attempt. */
export interface CheckResult {
  /** true = the real is up by this check. Ignored when code is INCONCLUSIVE. */
  readonly ok: boolean;
  readonly code: CheckCodeValue;
  /** Human-readable detail: status line, error, or '-' (what ldirectord puts in the monitorfile). */
  readonly message: string;
  /** Wall time of the attempt, milliseconds. */
  readonly durationMs: number;
  /** 1-based attempt number within a checkcount series. */
  readonly attempt: number;
  /** Epoch milliseconds at which the attempt started. */
  readonly startedAt: number;
}

/** Build a passing result. */
export function up(code: CheckCodeValue, message: string, startedAt: number, attempt = 1): CheckResult {
  return { ok: true, code, message, durationMs: Date.now() - startedAt, attempt, startedAt };
}

/** Build a failing result. */
export function down(code: CheckCodeValue, message: string, startedAt: number, attempt = 1): CheckResult {
  return { ok: false, code, message, durationMs: Date.now() - startedAt, attempt, startedAt };
}
