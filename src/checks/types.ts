// The contract every check implements: one attempt against one real server,
// bounded by an AbortSignal that the scheduler fires at the deadline.
import type { RealServer, VirtualService } from '../config/model.js';
import type { CheckResult } from './result.js';

/** What a check needs to know: the real and the virtual whose settings apply. */
export interface CheckTarget {
  readonly virtual: VirtualService;
  readonly real: RealServer;
}

/**
 * One check attempt. Must settle promptly after `signal` aborts (destroying its
 * sockets / killing its processes) and must never throw: failures are results.
 */
export type CheckFn = (target: CheckTarget, signal: AbortSignal) => Promise<CheckResult>;
