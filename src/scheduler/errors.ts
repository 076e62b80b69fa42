// Abort reasons the scheduler hands to a check's AbortSignal, one class per
// cause, each with a stable `code` (undici's lib/core/errors.js style), so a
// check or a log line can tell a deadline from a reload from a shutdown.

/** The attempt ran past its deadline. */
export class CheckDeadlineError extends Error {
  readonly code = 'ECHECKTIMEOUT';
  constructor(readonly checkId: string, readonly deadlineMs: number) {
    super(`check deadline (${deadlineMs} ms) exceeded`);
    this.name = 'CheckDeadlineError';
  }
}

/** The job was removed by update() (a reload dropped or changed it). */
export class CheckRemovedError extends Error {
  readonly code = 'ECHECKREMOVED';
  constructor(readonly checkId: string) {
    super('check removed by reload');
    this.name = 'CheckRemovedError';
  }
}

/** The scheduler is stopping. */
export class SchedulerStoppedError extends Error {
  readonly code = 'ESCHEDSTOPPED';
  constructor() {
    super('checker stopped');
    this.name = 'SchedulerStoppedError';
  }
}
