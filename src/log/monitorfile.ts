// monitorfile=: one line per check result, as service_set writes it:
//   [LOCALTIME] [PID] <real id, ':' runs as one space, '\' removed> [up|down] <message>
// Opened, appended and closed per line (logrotate-safe). ldirectord dies when
// it cannot write here; we log the failure once per outage and carry on.

import { appendFile } from 'node:fs/promises';
import { FailureEpisode, errorText } from './episode.js';
import { perlLocaltime } from './perl-time.js';
import type { Logger } from './types.js';

/** service_set's escaping: `%`, `|`, CR and LF become `%xx` (sprintf "%%%.2x"). */
export function escapeMonitorMessage(message: string): string {
  if (message === '') return '-';
  return message.replace(/[%|\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The real id as service_set prints it: `tr/:/ /s` then `s/\\//g`. */
export function monitorRealId(checkId: string): string {
  return checkId.replace(/:+/g, ' ').replace(/\\/g, '');
}

/** One monitorfile line, newline included. */
export function monitorLine(now: string, pid: number, checkId: string, state: 'up' | 'down', message: string): string {
  return `[${now}] [${pid}] ${monitorRealId(checkId)} [${state}] ${escapeMonitorMessage(message)}\n`;
}

/** Options of MonitorFile. */
export interface MonitorFileOptions {
  /** Where a write failure is reported (once per outage per file). */
  logger: Logger;
  /** The daemon's pid, asked per line. */
  pid?: () => number;
}

/** Appends check results to monitorfiles, in order per process, never throwing. */
export class MonitorFile {
  readonly #logger: Logger;
  readonly #pid: () => number;
  readonly #episodes = new Map<string, FailureEpisode>();
  #chain: Promise<void> = Promise.resolve();

  constructor(opts: MonitorFileOptions) {
    this.#logger = opts.logger;
    this.#pid = opts.pid ?? (() => process.pid);
  }

  /** Queue one line for `file`; the returned promise settles (never rejects) once it is written or given up. */
  write(file: string, checkId: string, state: 'up' | 'down', message: string): Promise<void> {
    // The time and pid are those of the result, not of the moment the queue gets to it.
    const line = monitorLine(perlLocaltime(), this.#pid(), checkId, state, message);
    this.#chain = this.#chain.then(() => this.#append(file, line));
    return this.#chain;
  }

  /** Resolves when every queued line has been handled. */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #append(file: string, line: string): Promise<void> {
    let episode = this.#episodes.get(file);
    if (!episode) this.#episodes.set(file, (episode = new FailureEpisode()));
    try {
      await appendFile(file, line);
      episode.ok();
    } catch (err) {
      if (episode.fail()) {
        // ldirectord's text (it dies with it); we only report.
        this.#logger.info(`Error writing to monitorfile '${file}': ${errorText(err)}`);
      }
    }
  }
}
