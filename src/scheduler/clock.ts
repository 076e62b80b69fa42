// Time, behind an interface: the scheduler reads the clock and arms one timer
// through it, so tests can drive a whole schedule without sleeping.

/** An opaque handle returned by Clock.setTimeout. */
export type TimerHandle = unknown;

/** What the scheduler needs from time: a millisecond clock and one-shot timers. */
export interface Clock {
  /** Milliseconds; only differences matter (the system clock uses epoch ms so results carry wall time). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: Date.now() and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
