// Every timer of the checker pool (next runs, deadlines, retries) lives in one
// binary heap driven by ONE native timer armed for the earliest entry. Node's
// own timers are fine for a few thousand, but with jittered intervals every
// timer has its own duration, so 20,000 reals would mean 20,000+ timer lists
// in libuv's heap, plus a Timeout object per deadline. Here an entry is a
// small object, insertion is O(log n), and cancellation is lazy (the entry is
// marked dead and dropped when it surfaces), which makes the common case —
// a check finishing well before its deadline — O(1).
//
// Accuracy is that of setTimeout (about 1 ms) for the earliest entry; entries
// due at the same moment fire in insertion order. Callers get their lateness,
// which is how the lag guard knows a deadline fired late.
//
// With `slackMs`, the native timer is armed for the next multiple of slackMs
// at or after the earliest entry, so entries due within one slot share one
// wake-up of the loop: on a virtual machine a wake-up from idle costs about
// 50-250 us of CPU (bench/README.md), more than starting a connect check.
// Lateness is then measured from the slot, not from the entry's own time.
import type { Clock, TimerHandle } from './clock.js';

/** One scheduled callback; `cancel()` it when it is no longer wanted. */
export interface TimerEntry {
  readonly at: number;
  cancel(): void;
}

class Entry implements TimerEntry {
  constructor(
    readonly at: number,
    readonly seq: number,
    public fn: ((lateMs: number) => void) | undefined,
    private readonly owner: TimerQueue,
  ) {}
  cancel(): void {
    if (this.fn === undefined) return;
    this.fn = undefined;
    this.owner.noteCancelled();
  }
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A min-heap of callbacks keyed by due time, fired by a single native timer. */
export class TimerQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private dead = 0;
  private handle: TimerHandle | undefined;
  private armedAt = Infinity;

  /**
   * `batchMs`: time budget of one firing pass before yielding to I/O (default 10 ms).
   * `slackMs`: fire on a grid of this many ms (0 = at each entry's own time).
   */
  constructor(
    private readonly clock: Clock,
    private readonly batchMs = 10,
    private readonly slackMs = 0,
  ) {}

  /** Live entries (cancelled ones not yet dropped are excluded). */
  get size(): number {
    return this.heap.length - this.dead;
  }

  /** Call `fn(lateMs)` at clock time `at` (or as soon after as the loop allows). */
  add(at: number, fn: (lateMs: number) => void): TimerEntry {
    const entry = new Entry(at, this.seq++, fn, this);
    this.push(entry);
    if (this.slot(at) < this.armedAt) this.arm();
    return entry;
  }

  /** Drop every entry and disarm. */
  clear(): void {
    for (const e of this.heap) e.fn = undefined;
    this.heap = [];
    this.dead = 0;
    this.disarm();
  }

  /** @internal bookkeeping for lazy deletion; compacts when dead entries dominate. */
  noteCancelled(): void {
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.heap.length) this.compact();
  }

  private fire = (): void => {
    this.handle = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    let fired = 0;
    // Entries added while firing with at <= now run in this same pass, in order.
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const entry = this.pop();
      const fn = entry.fn;
      if (fn === undefined) {
        this.dead--;
        continue;
      }
      entry.fn = undefined;
      fn(Math.max(0, now - this.slot(entry.at)));
      // Work budget per pass: after a stall thousands of runs are overdue, and starting
      // them all in one go (a connect() syscall each) blocks the loop for seconds, which
      // delays reading the answers of the checks already in flight. Yield to I/O instead.
      if (++fired % 32 === 0 && this.clock.now() - now >= this.batchMs) break;
    }
    this.arm();
  };

  private arm(): void {
    this.disarm();
    while (this.heap.length > 0 && this.heap[0]!.fn === undefined) {
      this.pop();
      this.dead--;
    }
    if (this.heap.length === 0) return;
    const at = this.slot(this.heap[0]!.at);
    this.armedAt = at;
    this.handle = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  /** When an entry due at `at` fires: its own time, or the end of its slot on the grid. */
  private slot(at: number): number {
    return this.slackMs > 0 ? Math.ceil(at / this.slackMs) * this.slackMs : at;
  }

  private disarm(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedAt = Infinity;
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => e.fn !== undefined);
    this.dead = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
