// The checker pool's public surface: plan jobs from a Config, run them.
export { planChecks, negotiateDeadlineMs, PING_SLACK_MS, type CheckJob, type JobKind } from './plan.js';
export { CheckScheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { defaultCheckFactory } from './factory.js';
export type { CheckFactory, MaintenanceProbe } from './attempt.js';
export { LagMonitor, type LagSource } from './lag.js';
export { systemClock, type Clock } from './clock.js';
export { CheckDeadlineError, CheckRemovedError, SchedulerStoppedError } from './errors.js';
