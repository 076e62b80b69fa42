// The four states every protocol test walks through, as assertions on a CheckFn.
import { expect } from '@jest/globals';
import type { CheckFn, CheckTarget } from '../../../src/checks/types.js';
import type { CheckResult } from '../../../src/checks/result.js';
import { runWithDeadline } from '../target.js';

/** Run a check with a deadline (the scheduler's job in the daemon). */
export function check(fn: CheckFn, target: CheckTarget, deadlineMs = 5000): Promise<CheckResult> {
  return runWithDeadline((signal) => fn(target, signal), deadlineMs);
}

/** Expect up. */
export async function expectUp(fn: CheckFn, target: CheckTarget, deadlineMs = 5000): Promise<CheckResult> {
  const r = await check(fn, target, deadlineMs);
  if (!r.ok || r.code !== 'L7OK') throw new Error(`expected up, got ${JSON.stringify(r)}`);
  return r;
}

/** Expect down with one of `codes`. */
export async function expectDown(fn: CheckFn, target: CheckTarget, codes: string[], deadlineMs = 5000): Promise<CheckResult> {
  const r = await check(fn, target, deadlineMs);
  if (r.ok || !codes.includes(r.code)) throw new Error(`expected down with ${codes.join('|')}, got ${JSON.stringify(r)}`);
  return r;
}

/** A SIGSTOPped server: down with a timeout code, and the check settles at its deadline (hang guard). */
export async function expectDownWhenPaused(fn: CheckFn, target: CheckTarget, pause: () => void, resume: () => void, deadlineMs = 1500): Promise<CheckResult> {
  pause();
  try {
    const started = Date.now();
    const r = await check(fn, target, deadlineMs);
    const elapsed = Date.now() - started;
    if (r.ok || !/^(L4TOUT|L6TOUT|L7TOUT)$/.test(r.code)) throw new Error(`expected a timeout, got ${JSON.stringify(r)}`);
    expect(elapsed).toBeLessThan(deadlineMs + 2000); // hang guard, not a timing assertion
    return r;
  } finally {
    resume();
  }
}
