// What a check result contributes to ldirectord's monitorfile line
// `[date] [pid] <real> [up|down] message`; the escaping of %, |, CR and LF
// and the writing are done by the log module.
import type { CheckResult } from './result.js';

/** The `[up|down]` word of the monitorfile line. */
export function monitorState(result: CheckResult): 'up' | 'down' {
  return result.ok ? 'up' : 'down';
}

/** The message part: the check's message, '-' when it has none (ldirectord's default). */
export function monitorMessage(result: CheckResult): string {
  return result.message === '' ? '-' : result.message;
}
