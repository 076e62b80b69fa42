// IpvsBackend over the ipvsadm program. A batch is ONE `ipvsadm -R` with every
// command on stdin, then one verification read. ipvsadm -R keeps going after a
// kernel error and exits with the LAST line's status, so its exit status proves
// nothing: the read decides. Commands that did not take effect are retried one
// by one, so one bad entry cannot block the others, and each failure is
// reported with that run's exit status and stderr.
import { IpvsError } from './errors.js';
import { mergeThresholds } from './list-format.js';
import { describeFailure, runIpvsadm, type RunRecord } from './process.js';
import { commandArgs, commandLine, parseSave } from './save-format.js';
import { effective } from './verify.js';
import type { BatchResult, CommandOutcome, IpvsBackend, IpvsCommand, IpvsTable } from './types.js';

/** Options of an IpvsadmBackend. */
export interface IpvsadmBackendOptions {
  /** The ipvsadm to run (see findIpvsadm). */
  readonly path: string;
  /** Deadline of every ipvsadm run, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL once the deadline passed (default 1000 ms). */
  readonly killGraceMs?: number;
  /**
   * Also run `ipvsadm -L -n --thresholds` on each read (default true): `-S` does not
   * show thresholds, so without it every threshold reads as 0.
   */
  readonly readThresholds?: boolean;
  /** Extra environment for ipvsadm (tests point the fake at its state directory). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Reads and writes the table through the ipvsadm program. */
export class IpvsadmBackend implements IpvsBackend {
  readonly name: string;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  readonly readThresholds: boolean;
  readonly #env: Readonly<Record<string, string>> | undefined;
  #spawned = 0;

  constructor(opts: IpvsadmBackendOptions) {
    this.name = opts.path;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.killGraceMs = opts.killGraceMs ?? 1000;
    this.readThresholds = opts.readThresholds ?? true;
    this.#env = opts.env;
  }

  /** ipvsadm processes started by this backend so far. */
  get spawned(): number {
    return this.#spawned;
  }

  /** The whole table: `-S -n`, with thresholds from `-L -n --thresholds` (both run at once). */
  async read(): Promise<IpvsTable> {
    const [save, list] = await Promise.all([
      this.#run(['-S', '-n']),
      this.readThresholds ? this.#run(['-L', '-n', '--thresholds']) : undefined,
    ]);
    for (const r of [save, list]) {
      if (!r || (r.exitCode === 0 && !r.timedOut)) continue;
      const code = r.timedOut ? 'EIPVSADM_TIMEOUT' : r.spawnError ? 'EIPVSADM_SPAWN' : 'EIPVSADM_READ';
      throw new IpvsError(code, `${this.name} ${r.args.join(' ')}: ${describeFailure(r, this.timeoutMs)}`, {
        ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), stderr: r.stderr,
      });
    }
    try {
      const table = parseSave(save.stdout);
      return list ? mergeThresholds(table, list.stdout) : table;
    } catch (err) {
      throw new IpvsError('EIPVSADM_READ', `${this.name}: cannot read the table: ${(err as Error).message}`, { cause: err });
    }
  }

  /** One `-R` for all commands, one read to verify, then one run per command that did not land. */
  async apply(commands: readonly IpvsCommand[]): Promise<BatchResult> {
    const before = this.#spawned;
    if (commands.length === 0) return { outcomes: [], table: await this.read(), spawned: this.#spawned - before };
    // Its exit status is not evidence either way (see the top of this file): the read decides.
    await this.#run(['-R'], commands.map((c) => commandLine(c) + '\n').join(''));
    let table = await this.read();
    const landed = effective(commands, table);
    const outcomes: CommandOutcome[] = [];
    let retried = false;
    for (const [i, command] of commands.entries()) {
      if (landed[i]) {
        outcomes.push({ command, ok: true, exitCode: 0 });
        continue;
      }
      // The -R run cannot tell which line failed: run this one alone for its own status.
      retried = true;
      const r = await this.#run(commandArgs(command));
      outcomes.push(r.exitCode === 0 && !r.timedOut
        ? { command, ok: true, exitCode: 0 }
        : { command, ok: false, ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}), error: describeFailure(r, this.timeoutMs) });
    }
    if (retried) table = await this.read();
    return { outcomes, table, spawned: this.#spawned - before };
  }

  async #run(args: string[], input?: string): Promise<RunRecord> {
    this.#spawned++;
    return runIpvsadm(this.name, args, {
      timeoutMs: this.timeoutMs,
      killGraceMs: this.killGraceMs,
      ...(input !== undefined ? { input } : {}),
      ...(this.#env ? { env: this.#env } : {}),
    });
  }
}
