// An in-memory Writable that keeps each write() separately, so tests can
// assert both the bytes and that every line went out as one write.

import { Writable } from 'node:stream';

/** A stream that records its writes. */
export class Capture extends Writable {
  readonly writes: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.writes.push(chunk.toString());
    cb();
  }
  /** Everything written so far. */
  get text(): string {
    return this.writes.join('');
  }
}
