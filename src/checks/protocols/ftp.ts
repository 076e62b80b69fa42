// ftp: check_ftp's dialogue through basic-ftp: login (anonymous when login= is
// empty, as Net::FTP), CWD /, binary, passive, RETR of the request into memory,
// then receive= as a regex on the content. We stop reading at a fixed cap
// (ldirectord spools the whole file) and judge what we have; basic-ftp ignores
// signals, so an abort closes its control and data sockets.
import { Writable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, describe, hostPort, receiveRegex, runCheck, transportError } from './session.js';

/** Bytes of the file kept for the receive match; the rest is never read. */
export const FTP_READ_CAP = 1024 * 1024;

/** A sink that keeps the first `cap` bytes and reports when it is full. */
class CappedSink extends Writable {
  readonly chunks: Buffer[] = [];
  size = 0;
  constructor(
    private readonly cap: number,
    private readonly onFull: () => void,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.size < this.cap) {
      const keep = chunk.subarray(0, this.cap - this.size);
      this.chunks.push(keep);
      this.size += keep.length;
      if (this.size >= this.cap) this.onFull();
    }
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

function ftpFailure(err: unknown, what: string): CheckError {
  if (err instanceof CheckError) return err;
  if (err instanceof FTPError && typeof err.code === 'number' && err.code > 0) return new CheckError(err.code >= 500 ? CheckCode.L7STS : CheckCode.L7RSP, `${what}: ${err.message}`);
  return new CheckError(CheckCode.L7RSP, `${what}: ${describe(err)}`);
}

/** service=ftp */
export const checkFtp: CheckFn = ({ virtual, real }, signal) =>
  runCheck(signal, async (s) => {
    const where = hostPort(real.ip, real.checkPort);
    const receive = receiveRegex(real.receive);
    const client = new Client(0);
    s.defer(() => client.close());
    // The control socket exists once connect() is called; its TCP connect ends the L4 phase
    // (a server that accepts but never greets is an L7 timeout, as for the other checks).
    const greeting = client.connect(real.ip, real.checkPort);
    client.ftp.socket.once('connect', () => {
      s.phase = 'dialogue';
    });
    try {
      await greeting;
    } catch (err) {
      // basic-ftp reports socket errors as FTPError too, without a numeric reply code.
      if (err instanceof FTPError && typeof err.code === 'number' && err.code > 0) throw new CheckError(CheckCode.L7STS, `greeting: ${err.message}`);
      throw transportError(err, 'connect', where);
    }
    s.phase = 'dialogue';
    const user = virtual.login === '' ? 'anonymous' : virtual.login;
    const password = virtual.login === '' ? '-anonymous@' : virtual.passwd;
    try {
      await client.login(user, password);
    } catch (err) {
      throw ftpFailure(err, 'login failed');
    }
    try {
      await client.cd('/');
      await client.send('TYPE I');
    } catch (err) {
      throw ftpFailure(err, 'CWD / or TYPE I');
    }
    let full!: () => void;
    const capped = new Promise<void>((resolve) => {
      full = resolve;
    });
    const sink = new CappedSink(FTP_READ_CAP, full);
    try {
      await Promise.race([client.downloadTo(sink, real.request), capped]);
    } catch (err) {
      throw ftpFailure(err, `RETR ${real.request}`);
    }
    if (!receive.test(sink.text())) {
      throw new CheckError(CheckCode.L7RSP, `Response mismatch: ${real.request} (${sink.size} bytes) !~ /${real.receive}/`);
    }
    if (sink.size < FTP_READ_CAP) client.send('QUIT').catch(() => undefined);
    return `RETR ${real.request}: ${sink.size} bytes`;
  });
