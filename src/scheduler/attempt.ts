// One attempt of a job, as _check_real does it: maintenance first, then the
// check its kind calls for; plus the checktype=N bookkeeping (num_connects)
// that decides between the connect and the negotiate step.
import type { RealServer, Service } from '../config/model.js';
import { CheckCode, down, up, type CheckCodeValue, type CheckResult } from '../checks/result.js';
import type { CheckFn } from '../checks/types.js';
import type { CheckJob, JobKind } from './plan.js';

/** Answers "is this real in maintenance?" with the matching file name, or undefined. */
export interface MaintenanceProbe {
  check(real: RealServer): Promise<string | undefined>;
}

/** The check functions the scheduler runs; src/checks/registry.ts provides the real ones. */
export interface CheckFactory {
  negotiateCheck(service: Service): CheckFn;
  readonly connectCheck: CheckFn;
  readonly pingCheck: CheckFn;
  readonly externalCheck: CheckFn;
  readonly externalPerlCheck: CheckFn;
  /** The probe for a maintenancedir (called per attempt: cache inside). Absent = no maintenance support. */
  maintenance?(dir: string): MaintenanceProbe;
}

/** What one attempt actually runs (a 'combined' job alternates between connect and negotiate). */
export type Step = Exclude<JobKind, 'combined'>;

/** ldirectord's initial num_connects for checktype=N: forces a negotiate first. */
export const NUM_CONNECTS_RESET = 999999;

/** Per-job state that survives across attempts (and across a reload that keeps the job). */
export interface JobState {
  /** ldirectord's $$r{num_connects}; meaningful for 'combined' only. */
  numConnects: number;
}

/** Fresh state for a job. */
export function initialState(): JobState {
  return { numConnects: NUM_CONNECTS_RESET };
}

/** The step the next attempt runs and its deadline. */
export function nextStep(job: CheckJob, state: JobState): { step: Step; deadlineMs: number } {
  if (job.kind !== 'combined') return { step: job.kind, deadlineMs: job.deadlineMs };
  if (state.numConnects >= (job.numConnects ?? 0)) return { step: 'negotiate', deadlineMs: job.deadlineMs };
  return { step: 'connect', deadlineMs: job.connectDeadlineMs ?? job.deadlineMs };
}

/**
 * num_connects after an attempt (_check_real): a passing negotiate resets it to
 * 0, a failing one leaves it (so negotiate runs again); a passing connect counts
 * up, a failing one forces the next attempt back to negotiate. Maintenance and
 * inconclusive attempts say nothing and change nothing.
 */
export function advance(job: CheckJob, state: JobState, step: Step, result: CheckResult): void {
  if (job.kind !== 'combined') return;
  if (result.code === CheckCode.MAINT || result.code === CheckCode.INCONCLUSIVE) return;
  if (step === 'negotiate') {
    if (result.ok) state.numConnects = 0;
  } else if (result.ok) {
    state.numConnects++;
  } else {
    state.numConnects = NUM_CONNECTS_RESET;
  }
}

/** The result code a step reports when it ran out of time (used when a check fails to settle). */
export function timeoutCode(step: Step): CheckCodeValue {
  switch (step) {
    case 'connect':
      return CheckCode.L4TOUT;
    case 'ping':
      return CheckCode.PING;
    case 'external':
    case 'external-perl':
      return CheckCode.EXEC;
    default:
      return CheckCode.L7TOUT;
  }
}

/** Message of a maintenance verdict, as ldirectord's service_set(..., "Server in maintenance"). */
export const MAINTENANCE_MESSAGE = 'Server in maintenance';

/** Run one attempt of `step` for `job` against targets[0]; never throws for the checks' sake. */
export async function runStep(
  job: CheckJob,
  step: Step,
  factory: CheckFactory,
  signal: AbortSignal,
  now: () => number,
): Promise<CheckResult> {
  const target = job.targets[0]!;
  const startedAt = now();
  if (job.maintenanceDir !== undefined && factory.maintenance) {
    const file = await factory.maintenance(job.maintenanceDir).check(target.real);
    if (file !== undefined) return down(CheckCode.MAINT, MAINTENANCE_MESSAGE, startedAt);
  }
  if (step === 'on') return up(CheckCode.L4OK, '-', startedAt);
  return checkFor(step, job, factory)(target, signal);
}

function checkFor(step: Exclude<Step, 'on'>, job: CheckJob, factory: CheckFactory): CheckFn {
  switch (step) {
    case 'negotiate':
      return factory.negotiateCheck(job.service ?? 'none');
    case 'connect':
      return factory.connectCheck;
    case 'ping':
      return factory.pingCheck;
    case 'external':
      return factory.externalCheck;
    case 'external-perl':
      return factory.externalPerlCheck;
  }
}
