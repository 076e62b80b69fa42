// A TCP (optionally TLS-from-the-start) connection read line by line, for the
// hand-written line protocols (smtp, pop, imap, nntp, sip over tcp). The socket
// is registered with the Session, so an abort destroys it whatever we await.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { VirtualService } from '../../config/model.js';
import { CheckCode } from '../result.js';
import { CheckError, type Session, describe, hostPort, transportError } from './session.js';

/** A line longer than this is garbage, not a protocol answer: keeps memory flat. */
const MAX_LINE = 64 * 1024;

/** TLS settings of a check: ldirectord verifies nothing (compat B.9) unless tlsVerify. */
export interface TlsOptions {
  readonly verify: boolean;
  readonly caFile?: string;
  readonly servername?: string;
}

/** TLS options for a virtual service (tlsVerify/tlsCaFile extension keys, virtualhost as name). */
export function tlsOptionsFor(virtual: VirtualService): TlsOptions {
  return { verify: virtual.tlsVerify, caFile: virtual.tlsCaFile, servername: virtual.virtualhost };
}

/** Node's tls.connect options for TlsOptions (SNI only for names, never for addresses). */
export function nodeTlsOptions(opts: TlsOptions, host: string): tls.ConnectionOptions {
  const name = opts.servername ?? host;
  return {
    rejectUnauthorized: opts.verify,
    ca: opts.verify && opts.caFile ? readFileSync(opts.caFile) : undefined,
    servername: net.isIP(name) ? undefined : name,
    checkServerIdentity: opts.verify ? (_h, cert) => tls.checkServerIdentity(name, cert) : () => undefined,
  };
}

/** A connected socket with a line reader; every failure is a CheckError. */
export class LineStream {
  private buffer = '';
  private ended: CheckError | undefined;
  private waiter: (() => void) | undefined;
  private readonly where: string;

  constructor(
    private readonly socket: net.Socket,
    private readonly session: Session,
    where: string,
  ) {
    this.where = where;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      if (this.buffer.length > MAX_LINE && !this.buffer.includes('\n')) {
        this.fail(new CheckError(CheckCode.L7RSP, `line longer than ${MAX_LINE} bytes (${where})`));
        socket.destroy();
      }
      this.wake();
    });
    socket.on('end', () => this.fail(new CheckError(CheckCode.L7RSP, `connection closed by peer (${where})`)));
    socket.on('error', (err) => this.fail(transportError(err, this.session.phase, where)));
    socket.on('close', () => this.fail(new CheckError(CheckCode.L7RSP, `connection closed (${where})`)));
  }

  private fail(err: CheckError): void {
    this.ended ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** The next line without its CR LF; rejects when the peer goes away first. */
  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.ended) throw this.ended;
      await this.wait();
    }
  }

  /** Whatever arrives first (at least one byte), as ldirectord's single sysread. */
  async readChunk(max: number): Promise<string> {
    while (this.buffer.length === 0) {
      if (this.ended) throw this.ended;
      await this.wait();
    }
    const chunk = this.buffer.slice(0, max);
    this.buffer = this.buffer.slice(chunk.length);
    return chunk;
  }

  /** Send text (the protocols here are ASCII; latin1 keeps bytes as given). */
  write(text: string): void {
    if (!this.ended) this.socket.write(text, 'latin1');
  }

  /** Local address and port, as the SIP Via header needs them. */
  local(): { address: string; port: number } {
    return { address: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  /** Say goodbye without waiting for an answer (the verdict is already known). */
  end(text?: string): void {
    if (text !== undefined) this.write(text);
    this.socket.end();
  }

  /** Where this stream goes, for messages. */
  toString(): string {
    return this.where;
  }
}

/** Open a TCP connection (then TLS when `tlsOpts` is given) and wrap it in a LineStream. */
export async function openStream(
  session: Session,
  host: string,
  port: number,
  tlsOpts?: TlsOptions,
): Promise<LineStream> {
  const where = hostPort(host, port);
  session.phase = 'connect';
  const raw = net.connect({ host, port });
  session.defer(() => raw.destroy());
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', (err) => reject(transportError(err, 'connect', where)));
  });
  raw.removeAllListeners('error');
  raw.on('error', () => undefined);
  if (!tlsOpts) {
    session.phase = 'dialogue';
    return new LineStream(raw, session, where);
  }
  session.phase = 'tls';
  const secure = tls.connect({ socket: raw, ...nodeTlsOptions(tlsOpts, host) });
  session.defer(() => secure.destroy());
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', (err) => reject(new CheckError(CheckCode.L6RSP, `TLS handshake failed: ${describe(err)} (${where})`)));
    secure.once('close', () => reject(new CheckError(CheckCode.L6RSP, `TLS handshake failed: connection closed (${where})`)));
  });
  secure.removeAllListeners('error');
  secure.removeAllListeners('close');
  session.phase = 'dialogue';
  return new LineStream(secure, session, where);
}
