// The single writer of the IPVS table. Callers enqueue commands and move on
// (checking never waits for ipvsadm); commands arriving within a short window
// go out as one apply(), and batches never overlap, so there is never more
// than one ipvsadm write at a time.
import type { BatchResult, IpvsBackend, IpvsCommand } from './types.js';

/** What became of one batch. */
export interface WriterReport {
  /** The commands of the batch, in order. */
  readonly commands: readonly IpvsCommand[];
  /** True in shadow mode: nothing was run, `commands` is what would have been. */
  readonly shadow: boolean;
  /** The backend's result (absent in shadow mode and when apply() threw). */
  readonly result?: BatchResult;
  /** Set when apply() threw (the table could not be read back, for instance). */
  readonly error?: Error;
}

/** Options of an IpvsWriter. */
export interface IpvsWriterOptions {
  /** How long to collect commands before applying them, in ms (default 20). */
  readonly windowMs?: number;
  /** Never call apply(): report the commands that would have run. */
  readonly shadow?: boolean;
  /** Called once per batch, after it ran (or would have). Exceptions it throws are ignored. */
  readonly onReport: (report: WriterReport) => void;
}

/** Coalesces commands into batches and applies them one batch at a time. */
export class IpvsWriter {
  readonly #backend: IpvsBackend;
  readonly #windowMs: number;
  readonly #shadow: boolean;
  readonly #onReport: (report: WriterReport) => void;
  #queue: IpvsCommand[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];
  #batches = 0;

  constructor(backend: IpvsBackend, opts: IpvsWriterOptions) {
    this.#backend = backend;
    this.#windowMs = opts.windowMs ?? 20;
    this.#shadow = opts.shadow ?? false;
    this.#onReport = opts.onReport;
  }

  /** Batches started so far (applied or, in shadow mode, reported). */
  get batches(): number {
    return this.#batches;
  }

  /** Commands waiting for the next batch. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues commands for the next batch; returns at once. */
  enqueue(commands: IpvsCommand | readonly IpvsCommand[]): void {
    const list = Array.isArray(commands) ? (commands as readonly IpvsCommand[]) : [commands as IpvsCommand];
    if (list.length === 0) return;
    this.#queue.push(...list);
    this.#schedule();
  }

  /** Resolves once everything queued so far has been applied and reported (skips the window). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (!this.#running) this.#start();
    }
    if (!this.#running && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    // While a batch runs, new commands wait for it; #finish() picks them up.
    if (this.#timer || this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, this.#windowMs);
  }

  #start(): void {
    const commands = this.#queue;
    this.#queue = [];
    this.#batches++;
    this.#running = this.#runBatch(commands).finally(() => this.#finish());
  }

  async #runBatch(commands: readonly IpvsCommand[]): Promise<void> {
    let report: WriterReport;
    if (this.#shadow) {
      report = { commands, shadow: true };
    } else {
      try {
        report = { commands, shadow: false, result: await this.#backend.apply(commands) };
      } catch (err) {
        report = { commands, shadow: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
    }
    try {
      this.#onReport(report);
    } catch {
      // a broken callback must not stop the writer
    }
  }

  #finish(): void {
    this.#running = undefined;
    if (this.#queue.length > 0) {
      // These waited for the previous batch already: no second window.
      this.#start();
      return;
    }
    if (this.#timer) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
