// Keeps the IPVS table equal to the director's desired table: one pass at a
// time, each pass = (read if needed) -> diff -> one batch -> verified table.
// Passes are coalesced (verdicts arriving within a few ms share one batch),
// failed commands are retried with backoff, and a periodic pass re-reads the
// table to repair drift (a real deleted by hand) — ldirectord never does.
import type { Director } from '../director/director.js';
import { diffTable } from '../ipvs/diff.js';
import { commandLine } from '../ipvs/save-format.js';
import type { BatchResult, IpvsBackend, IpvsCommand, IpvsTable } from '../ipvs/types.js';
import type { Logger } from '../log/types.js';
import { driftLines } from './drift.js';

/** Options of TableSync. */
export interface TableSyncOptions {
  readonly backend: IpvsBackend;
  readonly director: Director;
  readonly logger: Logger;
  /** Never write: log the commands that would run (extension). */
  readonly shadow: boolean;
  /** Verdicts within this window share one batch. Default 20 ms. */
  readonly windowMs?: number;
  /** Periodic re-read and repair. 0 disables. */
  readonly reconcileMs: number;
  /** First retry delay after a failed command; doubles up to reconcileMs. Default 500 ms. */
  readonly retryMs?: number;
  /** Called after every applied batch (metrics, report). */
  readonly onBatch?: (result: BatchResult) => void;
}

/** The serialised writer of the table. */
export class TableSync {
  readonly #o: TableSyncOptions;
  #last: IpvsTable | undefined;
  #extra: IpvsCommand[] = [];
  #timer: NodeJS.Timeout | undefined;
  #periodic: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #reread = true;
  #retryMs: number;
  #closed = false;
  /** Shadow mode: the last would-be batch logged. */
  #shadowSaid = '';

  constructor(opts: TableSyncOptions) {
    this.#o = opts;
    this.#retryMs = opts.retryMs ?? 500;
    if (opts.reconcileMs > 0) {
      this.#periodic = setInterval(() => this.reconcile(), opts.reconcileMs);
      this.#periodic.unref();
    }
  }

  /** The last verified table (undefined before the first pass). */
  get table(): IpvsTable | undefined {
    return this.#last;
  }

  /** Read the table (used once at start-up and on reload, before the director adopts it). */
  async read(): Promise<IpvsTable> {
    return (await this.readMarked()).table;
  }

  /**
   * Read the table between passes, with the director's mark taken as the read starts. A read
   * overlapping a batch in flight would hand the director a table without that batch's
   * effects; passes requested meanwhile run after it. The mark lets the director keep the
   * transitions decided during the read when it adopts the table (observe(table, mark)).
   */
  async readMarked(): Promise<{ table: IpvsTable; mark: number }> {
    while (this.#running) await this.#running;
    let mark = 0;
    const reading = (async (): Promise<IpvsTable> => {
      mark = this.#o.director.mark();
      try {
        this.#last = await this.#o.backend.read();
        this.#reread = false;
      } catch (err) {
        this.#o.logger.info(`Could not read the IPVS table: ${(err as Error).message}`);
        this.#last ??= new Map();
      }
      return this.#last;
    })();
    const running = reading.then(() => {
      if (this.#running === running) this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.request();
      }
    });
    this.#running = running;
    return { table: await reading, mark };
  }

  /** Ask for a pass soon (coalesced); `extra` commands run first (re-sent or removed virtuals). */
  request(extra: readonly IpvsCommand[] = []): void {
    if (this.#closed) return;
    this.#extra.push(...extra);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.#kick();
    }, this.#o.windowMs ?? 20);
  }

  /** A pass that re-reads the table first, so drift is found and repaired. */
  reconcile(): void {
    this.#reread = true;
    this.request();
  }

  /** Run `commands` alone (no diff) and wait: used at stop for cleanstop. */
  async final(commands: readonly IpvsCommand[]): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#periodic);
    await this.#running;
    if (commands.length) await this.#apply([...commands]);
  }

  /** Wait until no pass is running or pending. */
  async idle(): Promise<void> {
    while (this.#running || this.#timer) {
      if (this.#timer) await new Promise((r) => setTimeout(r, this.#o.windowMs ?? 20));
      await this.#running;
    }
  }

  /** Stop timers without writing anything. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#periodic);
  }

  async #kick(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass().finally(() => (this.#running = undefined));
    await this.#running;
    if (this.#again && !this.#closed) {
      this.#again = false;
      this.request();
    }
  }

  async #pass(): Promise<void> {
    const { director, logger, backend } = this.#o;
    const known = this.#last;
    let table = known;
    if (this.#reread || !table) {
      try {
        table = await backend.read();
        this.#reread = false;
      } catch (err) {
        logger.info(`Could not read the IPVS table: ${(err as Error).message}`);
        return this.#retryLater();
      }
    }
    const extra = this.#extra.splice(0);
    // Transitions decided after this point are not in the batch: observe() keeps them.
    const mark = director.mark();
    const desired = director.desired();
    const commands = [...extra, ...diffTable(desired, table)];
    if (known && table !== known) for (const line of driftLines(desired, known, table)) logger.info(line);
    if (commands.length === 0) {
      this.#last = table;
      director.observe(table, mark);
      return;
    }
    await this.#apply(commands, mark);
  }

  async #apply(commands: IpvsCommand[], mark?: number): Promise<void> {
    const { director, logger, backend, shadow } = this.#o;
    if (shadow) {
      // The table never changes in shadow mode: say each distinct would-be batch once.
      const lines = commands.map((c) => `shadow: would run ${backend.name} ${commandLine(c)}`);
      const key = lines.join('\n');
      if (key !== this.#shadowSaid) for (const line of lines) logger.info(line);
      this.#shadowSaid = key;
      return;
    }
    const result = await backend.apply(commands);
    this.#last = result.table;
    director.observe(result.table, mark);
    this.#o.onBatch?.(result);
    const failed = result.outcomes.filter((o) => !o.ok);
    for (const o of failed) {
      const why = o.exitCode === undefined ? o.error : `exit status ${o.exitCode}: ${o.error ?? ''}`.trimEnd();
      logger.info(`system(${backend.name} ${commandLine(o.command)}) failed: ${why}`);
    }
    if (failed.length) this.#retryLater();
    else this.#retryMs = this.#o.retryMs ?? 500;
  }

  /** Retry with backoff: the next pass re-reads and re-diffs, so it retries exactly what is still wrong. */
  #retryLater(): void {
    if (this.#closed) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(delay * 2, Math.max(this.#o.reconcileMs, 1000));
    setTimeout(() => this.reconcile(), delay).unref();
  }
}
