// stderr (-d) and stdout (supervised=yes) output: one write per formatted
// line, so a line reaches the pipe as soon as it is logged (ldirectord
// block-buffers stdout when supervised; a supervisor reading us should not wait).

import type { Writable } from 'node:stream';
import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');

/** Options of StreamTransport. */
export interface StreamTransportOptions extends Transport.TransportStreamOptions {
  /** Destination, e.g. process.stdout. */
  stream: Writable;
}

/** A winston transport writing each formatted line to a stream with a single write. */
export class StreamTransport extends Transport {
  readonly #stream: Writable;

  constructor(opts: StreamTransportOptions) {
    super(opts);
    this.#stream = opts.stream;
  }

  /** winston entry point. */
  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.#stream.write(String(info[MESSAGE]));
    callback();
  }
}
