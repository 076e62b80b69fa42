// The ldirectord log file: opened, appended and closed for every line, as
// ld_log does, so that logrotate can rename the file without signalling us
// (the next line creates a new file). winston's own File transport keeps the
// descriptor open and would keep writing into the rotated file.

import { appendFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import Transport from 'winston-transport';
import { FailureEpisode, errorText } from './episode.js';
import { bareLine } from './format.js';

const MESSAGE = Symbol.for('message');

/** Lines waiting for a write before new ones go to stderr instead (a hung disk must not eat memory). */
const MAX_PENDING = 10_000;

/** Options of AppendFileTransport. */
export interface AppendFileTransportOptions extends Transport.TransportStreamOptions {
  /** Absolute path of the log file. */
  filename: string;
  /** Where failures and the lines that could not be written go (process.stderr). */
  stderr?: Writable;
}

/** A winston transport that appends each formatted line to a file with open-append-close. */
export class AppendFileTransport extends Transport {
  readonly filename: string;
  readonly #stderr: Writable;
  readonly #episode = new FailureEpisode();
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(opts: AppendFileTransportOptions) {
    super(opts);
    this.filename = opts.filename;
    this.#stderr = opts.stderr ?? process.stderr;
  }

  /** winston entry point: queue the line; writes stay in order, the caller never waits. */
  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    const line = String(info[MESSAGE]);
    const bare = String(info.message);
    if (this.#pending >= MAX_PENDING) {
      this.#stderr.write(bareLine(bare));
    } else {
      this.#pending++;
      this.#chain = this.#chain.then(() => this.#append(line, bare));
    }
    callback();
  }

  /** Resolves once every queued line has been written (or given up on). */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #append(line: string, bare: string): Promise<void> {
    try {
      await appendFile(this.filename, line);
      if (this.#episode.ok()) {
        this.#stderr.write(`ldirectord: log file ${this.filename} is writable again\n`);
      }
    } catch (err) {
      // ld_log prints the message itself on stderr when it cannot write it;
      // we do the same for every line, and say why only once per outage.
      if (this.#episode.fail()) {
        this.#stderr.write(
          `ldirectord: cannot write log file ${this.filename}: ${errorText(err)}; ` +
            'messages go to stderr until it can be written again\n',
        );
      }
      this.#stderr.write(bareLine(bare));
    } finally {
      this.#pending--;
    }
  }
}
