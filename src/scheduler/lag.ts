// The event-loop lag guard. A check that "timed out" because our own loop was
// blocked (a GC pause, a burst of work, a stopped process) says nothing about
// the real server: the answer may be sitting unread in the socket buffer, and
// after a stall Node runs the timers phase (our deadline) BEFORE the poll
// phase that would have read it. Such a failure is reported as INCONCLUSIVE
// and retried promptly; a real is never taken down because we were slow.
//
// Two signals, because they catch different stalls:
// - the deadline timer's own lateness (the scheduler passes it in): a stall
//   that ends right at the deadline;
// - a drift probe (a timer re-armed every sampleMs, recording how late it ran):
//   a stall anywhere inside the attempt, with WHEN it happened, which
//   perf_hooks.monitorEventLoopDelay's histogram cannot tell. The histogram is
//   kept for stats (p99 / max over the process lifetime).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CheckCode, type CheckResult } from '../checks/result.js';

/** What the scheduler asks of a lag monitor (tests may pass a plain object). */
export interface LagSource {
  /** The largest loop stall (ms) that overlapped [t0, now], including one in progress. */
  lagSince(t0: number): number;
  /** Loop delay summary for stats. */
  summary(): { p99Ms: number; maxMs: number };
  stop(): void;
}

/** Options of LagMonitor. */
export interface LagMonitorOptions {
  /** Probe period; a stall shorter than this may go unseen by the probe (the deadline lateness still sees it). */
  sampleMs?: number;
  /** Stalls below this are noise and not recorded. */
  floorMs?: number;
  /** Clock in the scheduler's time domain (Date.now by default). */
  now?: () => number;
}

const RING = 1024;

/** Drift probe + histogram; start() on construction, stop() to release its timer. */
export class LagMonitor implements LagSource {
  private readonly sampleMs: number;
  private readonly floorMs: number;
  private readonly now: () => number;
  // Ring of recorded stalls: observed-at time and length.
  private readonly at = new Float64Array(RING);
  private readonly len = new Float64Array(RING);
  private count = 0;
  private expected: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly histogram: IntervalHistogram;

  constructor(opts: LagMonitorOptions = {}) {
    this.sampleMs = opts.sampleMs ?? 100;
    this.floorMs = opts.floorMs ?? 20;
    this.now = opts.now ?? Date.now;
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.expected = this.now() + this.sampleMs;
    this.arm();
  }

  lagSince(t0: number): number {
    const now = this.now();
    let max = Math.max(0, now - this.expected); // a stall the probe has not run after yet
    for (let i = 0; i < Math.min(this.count, RING); i++) {
      const observed = this.at[i]!;
      // The stall spans [observed - len, observed]; count it if it overlaps [t0, now].
      if (observed >= t0 && observed - this.len[i]! <= now) max = Math.max(max, this.len[i]!);
    }
    return max;
  }

  summary(): { p99Ms: number; maxMs: number } {
    const ms = (ns: number): number => Math.round(ns / 1e6);
    return { p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.histogram.disable();
  }

  private arm(): void {
    this.timer = setTimeout(this.probe, this.sampleMs);
    this.timer.unref(); // the probe must never keep the process alive
  }

  private probe = (): void => {
    const now = this.now();
    const lag = now - this.expected;
    if (lag >= this.floorMs) {
      const slot = this.count++ % RING;
      this.at[slot] = now;
      this.len[slot] = lag;
    }
    this.expected = now + this.sampleMs;
    this.arm();
  };
}

/** Default starvation threshold: 1 s, or a quarter of a short deadline (at least 50 ms). */
export function lagThresholdMs(deadlineMs: number): number {
  return Math.min(1000, Math.max(50, deadlineMs / 4));
}

/** The INCONCLUSIVE stand-in for a failure caused by our own lag. */
export function inconclusive(result: CheckResult, lagMs: number): CheckResult {
  return {
    ...result,
    ok: false,
    code: CheckCode.INCONCLUSIVE,
    message: `event loop lag ${Math.round(lagMs)} ms: ${result.message}`,
  };
}
