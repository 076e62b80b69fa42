// The checker pool. ldirectord checks serially, so K hung reals make a cycle
// take K x timeout; here every unique check runs on its own schedule,
// concurrently, and a verdict never waits for another real. All timers (next
// runs, deadlines, retries) share one TimerQueue; a concurrency cap queues —
// never drops — attempts beyond it, so a burst cannot run us out of fds.
import { CheckCode, type CheckResult } from '../checks/result.js';
import type { Logger } from '../log/types.js';
import {
  advance,
  initialState,
  nextStep,
  runStep,
  timeoutCode,
  type CheckFactory,
  type JobState,
  type Step,
} from './attempt.js';
import { systemClock, type Clock } from './clock.js';
import { CheckDeadlineError, CheckRemovedError, SchedulerStoppedError } from './errors.js';
import { Fifo } from './fifo.js';
import { inconclusive, LagMonitor, lagThresholdMs, type LagSource } from './lag.js';
import type { CheckJob } from './plan.js';
import { TimerQueue, type TimerEntry } from './timer-queue.js';

/** Options of CheckScheduler. */
export interface SchedulerOptions {
  readonly factory: CheckFactory;
  /** Called once per finished attempt of a live job (never after stop() or for a removed job). */
  readonly onResult: (checkId: string, result: CheckResult, job: CheckJob) => void;
  /** Called as each attempt starts, with how late it starts vs its schedule (for metrics and the bench). */
  readonly onStart?: (checkId: string, latenessMs: number) => void;
  readonly logger?: Logger;
  /** Attempts in flight at most; the rest wait in FIFO order. Default 4096. */
  readonly maxConcurrent?: number;
  /**
   * A new job's first run is spread uniformly over min(interval, startSpreadMs)
   * (default 1000). Capped because ldirectord-ts adds no real before its first
   * verdict: spreading over a whole checkinterval (10 s, or minutes) would keep
   * healthy reals out of service that long. Steady-state runs are still spread
   * over the whole interval: the second run lands on a uniform phase.
   */
  readonly startSpreadMs?: number;
  /**
   * First runs per second a batch of new jobs may start at (default 2000): N
   * new jobs spread over min(interval, max(startSpreadMs, N / startRate s)).
   * 20,000 reals started within one second are a thundering herd that a core
   * needs seconds to absorb, and the backlog it leaves drains slowly; at
   * 10,000+ reals the first runs spread over the whole interval instead.
   */
  readonly startRate?: number;
  /**
   * Timers (runs, deadlines, retries) fire on a grid of this many ms (default
   * 25): checks due within one slot start in a single wake-up of the loop. An
   * idle director on a VM spends most of its CPU waking up (1,000 connect
   * checks every 10 s: 10.6% of a core exact, 7.7% on the grid); a run or a
   * deadline is at most this late, and the lag guard measures from the slot.
   */
  readonly timerSlackMs?: number;
  /** Each run after the first is delayed by up to jitter x interval (default 0.05), to decorrelate. */
  readonly jitter?: number;
  readonly clock?: Clock;
  /** Uniform [0, 1) source for spread and jitter (Math.random). */
  readonly random?: () => number;
  /** Loop-lag source for the lag guard; false disables the guard. Default: a LagMonitor. */
  readonly lag?: LagSource | false;
  /** Lag (ms) above which a timed-out attempt is inconclusive. Default lagThresholdMs(deadline). */
  readonly lagThresholdMs?: number;
  /** Delay of the prompt retry after an inconclusive attempt. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** How long an aborted check may take to settle before we give up on it. Default 1000 ms. */
  readonly graceMs?: number;
}

/** Counters of the pool, for logs, metrics and the bench. */
export interface SchedulerStats {
  readonly jobs: number;
  readonly inFlight: number;
  /** High-water mark of inFlight. */
  readonly maxInFlight: number;
  readonly queued: number;
  readonly completed: number;
  readonly inconclusive: number;
  /** Runs not started because the previous attempt of the job was still running or queued. */
  readonly skipped: number;
  /** Worst (start - scheduled time) of any attempt, queueing included. */
  readonly maxLatenessMs: number;
  readonly loop: { readonly p99Ms: number; readonly maxMs: number };
}

interface Slot {
  job: CheckJob;
  readonly state: JobState;
  /** Base time of the last scheduled run (jitter excluded): the schedule never drifts from it. */
  base: number;
  /** Base of the second run (the steady phase), until it is scheduled. */
  phase?: number;
  next?: TimerEntry;
  retry?: TimerEntry;
  running?: Attempt;
  queuedDue?: number;
  removed: boolean;
}

interface Attempt {
  readonly slot: Slot;
  readonly step: Step;
  readonly startedAt: number;
  readonly deadlineMs: number;
  readonly ac: AbortController;
  deadline?: TimerEntry;
  grace?: TimerEntry;
  timedOut: boolean;
  deadlineLateMs: number;
  done: boolean;
  settled: Promise<void>;
  resolve: () => void;
}

/** Runs every unique check on its own timer; see SchedulerOptions. */
export class CheckScheduler {
  private readonly opts: SchedulerOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timers: TimerQueue;
  private readonly lag: LagSource | undefined;
  private readonly ownsLag: boolean;
  private readonly maxConcurrent: number;
  private readonly slots = new Map<string, Slot>();
  private readonly running = new Set<Attempt>();
  private readonly queue = new Fifo<Slot>();
  private stopped = false;
  private counts = { completed: 0, inconclusive: 0, skipped: 0, maxLatenessMs: 0, maxInFlight: 0 };

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.timers = new TimerQueue(this.clock, 10, opts.timerSlackMs ?? 25);
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 4096);
    this.ownsLag = opts.lag === undefined;
    this.lag = opts.lag === false ? undefined : (opts.lag ?? new LagMonitor({ now: this.clock.now }));
  }

  /** Replace the job set: unchanged jobs keep state and schedule, new ones start, removed ones are aborted. */
  update(jobs: readonly CheckJob[]): void {
    if (this.stopped) throw new SchedulerStoppedError();
    const now = this.clock.now();
    const wanted = new Set<string>();
    const fresh: CheckJob[] = [];
    for (const job of jobs) {
      wanted.add(job.checkId);
      const slot = this.slots.get(job.checkId);
      if (slot && sameIdentity(slot.job, job)) this.reconfigure(slot, job, now);
      else {
        if (slot) this.remove(slot);
        fresh.push(job);
      }
    }
    const spreadMs = Math.max(this.opts.startSpreadMs ?? 1000, (fresh.length / (this.opts.startRate ?? 2000)) * 1000);
    for (const job of fresh) this.add(job, now, spreadMs);
    for (const slot of [...this.slots.values()]) if (!wanted.has(slot.job.checkId)) this.remove(slot);
  }

  /** Abort everything in flight and clear all timers; resolves once every attempt has settled. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clear();
    this.queue.clear();
    if (this.ownsLag) this.lag?.stop();
    const pending = [...this.running];
    for (const attempt of pending) attempt.ac.abort(new SchedulerStoppedError());
    const grace = this.opts.graceMs ?? 1000;
    await Promise.all(pending.map((a) => raceTimeout(a.settled, grace, this.clock)));
    // A check that ignores its signal is abandoned, not waited for forever.
    for (const attempt of pending) this.finish(attempt);
  }

  /** Current counters. */
  stats(): SchedulerStats {
    return {
      jobs: this.slots.size,
      inFlight: this.running.size,
      queued: this.queue.length,
      ...this.counts,
      loop: this.lag?.summary() ?? { p99Ms: 0, maxMs: 0 },
    };
  }

  private add(job: CheckJob, now: number, spreadMs: number): void {
    const slot: Slot = { job, state: initialState(), base: now, removed: false };
    this.slots.set(job.checkId, slot);
    const interval = job.intervalMs;
    const offset = this.random() * interval; // the steady phase within the interval
    // Spread over the whole interval, the first run is on the phase: no extra run.
    const spread = Math.min(interval, spreadMs);
    const first = now + (interval > 0 ? (offset * spread) / interval : 0);
    slot.phase = now + offset > first ? now + offset : first + interval;
    this.schedule(slot, first, first);
  }

  private reconfigure(slot: Slot, job: CheckJob, now: number): void {
    const oldInterval = slot.job.intervalMs;
    slot.job = job;
    if (job.intervalMs === oldInterval || slot.phase !== undefined) return;
    slot.next?.cancel();
    this.schedule(slot, Math.max(now, slot.base - oldInterval + job.intervalMs), undefined);
  }

  private remove(slot: Slot): void {
    slot.removed = true;
    this.slots.delete(slot.job.checkId);
    slot.next?.cancel();
    slot.retry?.cancel();
    if (slot.running) this.abort(slot.running, new CheckRemovedError(slot.job.checkId));
  }

  // Arm the run at base (+ jitter unless `due` is given).
  private schedule(slot: Slot, base: number, due: number | undefined): void {
    slot.base = base;
    const at = due ?? base + this.random() * (this.opts.jitter ?? 0.05) * slot.job.intervalMs;
    slot.next = this.timers.add(at, () => this.onRun(slot, at));
  }

  private onRun(slot: Slot, due: number): void {
    if (slot.removed || this.stopped) return;
    const interval = Math.max(1, slot.job.intervalMs);
    let base = slot.phase ?? slot.base + interval;
    slot.phase = undefined;
    const now = this.clock.now();
    if (base + interval <= now) {
      // Fell more than an interval behind (suspended process): skip the missed runs, keep the phase.
      const missed = Math.floor((now - base) / interval);
      base += missed * interval;
      this.counts.skipped += missed;
    }
    this.schedule(slot, base, undefined);
    if (slot.running || slot.queuedDue !== undefined) {
      this.counts.skipped++; // no overlap: the previous attempt still owns this job
      return;
    }
    this.request(slot, due);
  }

  private request(slot: Slot, due: number): void {
    if (this.running.size < this.maxConcurrent) this.start(slot, due);
    else {
      slot.queuedDue = due;
      this.queue.push(slot);
    }
  }

  private pump(): void {
    while (this.running.size < this.maxConcurrent && this.queue.length > 0) {
      const slot = this.queue.shift()!;
      const due = slot.queuedDue!;
      slot.queuedDue = undefined;
      if (!slot.removed) this.start(slot, due);
    }
  }

  private start(slot: Slot, due: number): void {
    const now = this.clock.now();
    this.counts.maxLatenessMs = Math.max(this.counts.maxLatenessMs, now - due);
    this.opts.onStart?.(slot.job.checkId, now - due);
    const { step, deadlineMs } = nextStep(slot.job, slot.state);
    let resolve!: () => void;
    const settled = new Promise<void>((r) => (resolve = r));
    const attempt: Attempt = {
      slot, step, startedAt: now, deadlineMs, ac: new AbortController(),
      timedOut: false, deadlineLateMs: 0, done: false, settled, resolve,
    };
    slot.running = attempt;
    this.running.add(attempt);
    this.counts.maxInFlight = Math.max(this.counts.maxInFlight, this.running.size);
    attempt.deadline = this.timers.add(now + deadlineMs, (late) => {
      attempt.timedOut = true;
      attempt.deadlineLateMs = late;
      this.abort(attempt, new CheckDeadlineError(slot.job.checkId, deadlineMs));
    });
    runStep(slot.job, step, this.opts.factory, attempt.ac.signal, this.clock.now).then(
      (result) => this.settle(attempt, result),
      (err: unknown) => this.settle(attempt, crashed(err, attempt, this.clock.now())),
    );
  }

  private abort(attempt: Attempt, reason: Error): void {
    attempt.ac.abort(reason);
    if (attempt.grace || this.stopped) return;
    attempt.grace = this.timers.add(this.clock.now() + (this.opts.graceMs ?? 1000), () => {
      const message = `no answer within ${attempt.deadlineMs} ms (check ignored abort)`;
      this.settle(attempt, failure(attempt, timeoutCode(attempt.step), message, this.clock.now()));
    });
  }

  private settle(attempt: Attempt, result: CheckResult): void {
    if (attempt.done) return;
    this.finish(attempt);
    const slot = attempt.slot;
    if (slot.removed || this.stopped) return this.pump();
    const final = this.judge(attempt, result);
    advance(slot.job, slot.state, attempt.step, final);
    this.counts.completed++;
    if (final.code === CheckCode.INCONCLUSIVE) this.counts.inconclusive++;
    try {
      this.opts.onResult(slot.job.checkId, final, slot.job);
    } catch (err) {
      this.opts.logger?.debug(1, `check result handler failed for ${slot.job.checkId}: ${String(err)}`);
    }
    this.pump();
  }

  // Mark an attempt over and release its place (idempotent).
  private finish(attempt: Attempt): void {
    if (attempt.done) return;
    attempt.done = true;
    attempt.deadline?.cancel();
    attempt.grace?.cancel();
    this.running.delete(attempt);
    if (attempt.slot.running === attempt) attempt.slot.running = undefined;
    attempt.resolve();
  }

  // The lag guard: a timeout while WE were starved is no verdict on the real.
  private judge(attempt: Attempt, result: CheckResult): CheckResult {
    if (result.ok || !this.lag || !(attempt.timedOut || TIMEOUT_CODES.has(result.code))) return result;
    const lagMs = Math.max(attempt.deadlineLateMs, this.lag.lagSince(attempt.startedAt));
    if (lagMs < (this.opts.lagThresholdMs ?? lagThresholdMs(attempt.deadlineMs))) return result;
    const verdict = inconclusive(result, lagMs);
    this.opts.logger?.debug(2, `${attempt.slot.job.checkId}: ${verdict.message}`);
    this.retrySoon(attempt.slot);
    return verdict;
  }

  private retrySoon(slot: Slot): void {
    const at = this.clock.now() + (this.opts.retryDelayMs ?? 100);
    if (slot.retry || (slot.next && slot.next.at <= at)) return;
    slot.retry = this.timers.add(at, () => {
      slot.retry = undefined;
      if (!slot.removed && !this.stopped && !slot.running && slot.queuedDue === undefined) this.request(slot, at);
    });
  }
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set([CheckCode.L4TOUT, CheckCode.L6TOUT, CheckCode.L7TOUT]);

// Same checkId and the same kind of check: state (num_connects) and schedule carry over.
function sameIdentity(a: CheckJob, b: CheckJob): boolean {
  return a.kind === b.kind && a.service === b.service && a.numConnects === b.numConnects;
}

function failure(attempt: Attempt, code: CheckResult['code'], message: string, now: number): CheckResult {
  return { ok: false, code, message, durationMs: now - attempt.startedAt, attempt: 1, startedAt: attempt.startedAt };
}

// A check broke its contract (threw): that is our bug, not the real's, so no verdict.
function crashed(err: unknown, attempt: Attempt, now: number): CheckResult {
  const message = err instanceof Error ? err.message : String(err);
  return failure(attempt, CheckCode.INCONCLUSIVE, `check failed to run: ${message}`, now);
}

function raceTimeout(p: Promise<void>, ms: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const handle = clock.setTimeout(resolve, ms);
    void p.then(() => {
      clock.clearTimeout(handle);
      resolve();
    });
  });
}
