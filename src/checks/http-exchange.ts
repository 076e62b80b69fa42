// One HTTP/1.1 request/response on a fresh connection, strict where LWP is
// lenient (compat B.12): the answer counts only if the status line and headers
// parse and the body ends, or fills the read cap, before the signal fires.
// Bytes past the cap are never read: the connection is dropped, so a 1 GiB
// body costs at most `maxBodyBytes` of memory. The bytes are judged by
// undici's llhttp (http-parser.ts); the socket is ours, so a deadline drops it
// at once whatever state it is in (a SYN-dropping peer included), and a
// successful exchange builds no error object at all.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, checkServerIdentity, type PeerCertificate } from 'node:tls';
import { STATUS_CODES } from 'node:http';
import { CheckCode } from './result.js';
import { CheckError, errorText, socketErrorCode, timeoutError } from './errors.js';
import { HttpResponseError, ResponseParser } from './http-parser.js';

/** TLS settings for an https exchange. */
export interface TlsSettings {
  /** Verify chain and name (virtual.tlsVerify); off by default as ldirectord intends (B.9). */
  readonly verify: boolean;
  /** PEM trust anchors replacing Node's bundle when set (virtual.tlsCaFile). */
  readonly ca?: Buffer;
  /** SNI; IP addresses are never sent as SNI (RFC 6066). */
  readonly servername?: string;
  /** Name the certificate must carry when verifying. */
  readonly verifyName: string;
}

/** Everything one exchange needs. */
export interface ExchangeRequest {
  /** Address to connect to (an IPv6 address without brackets) and its port. */
  readonly host: string;
  readonly port: number;
  /** `http://host:port` or `https://host:port`, for messages. */
  readonly origin: string;
  /** Request target: origin-form `/path?q`, or an absolute URL for a proxy. */
  readonly path: string;
  readonly method: 'GET' | 'HEAD';
  /** Header fields in the order sent; Connection: close is added. */
  readonly headers: Readonly<Record<string, string>>;
  /** Present for https. */
  readonly tls?: TlsSettings;
  /** Bytes of body kept; the exchange ends (successfully) once this many were read. */
  readonly maxBodyBytes: number;
}

/** A complete answer. */
export interface ExchangeAnswer {
  readonly status: number;
  /** LWP's status_line: `200 OK` (the standard reason when the server sent none). */
  readonly statusLine: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The body, at most maxBodyBytes. */
  readonly body: Buffer;
  /** True when the body filled the cap and the rest was dropped unread. */
  readonly truncated: boolean;
}

/** Where the exchange was when it failed; picks the timeout code. */
type Phase = 'tcp' | 'tls' | 'http';

/** Perform one exchange; rejects with a CheckError, never anything else. */
export function httpExchange(req: ExchangeRequest, signal: AbortSignal): Promise<ExchangeAnswer> {
  let phase: Phase = 'tcp';
  const timeoutCode = (): CheckError =>
    phase === 'tcp'
      ? timeoutError(CheckCode.L4TOUT, `connect ${req.origin}`)
      : phase === 'tls'
        ? timeoutError(CheckCode.L6TOUT, `TLS handshake ${req.origin}`)
        : timeoutError(CheckCode.L7TOUT, `HTTP response from ${req.origin}`);
  if (signal.aborted) return Promise.reject(timeoutCode());
  let head: string;
  try {
    head = requestHead(req);
  } catch (err) {
    return Promise.reject(err);
  }

  return new Promise<ExchangeAnswer>((resolve, reject) => {
    const parser = new ResponseParser({ head: req.method === 'HEAD', maxBodyBytes: req.maxBodyBytes });
    const onBytes = (chunk: Buffer): void => {
      try {
        if (parser.push(chunk)) finish();
      } catch (err) {
        finish(invalidResponse(err, req.origin));
      }
    };
    let socket: Socket;
    try {
      socket = open(req).on('data', onBytes);
    } catch (err) {
      // net/tls refuse some arguments synchronously (a port out of range, say).
      parser.free();
      reject(new CheckError(CheckCode.L4CON, `connect ${req.origin}: ${errorText(err)}`, { cause: err }));
      return;
    }
    let settled = false;
    const finish = (err?: CheckError): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer(parser));
      parser.free();
    };
    const onAbort = (): void => finish(timeoutCode());
    // The peer's close completes a body delimited by it; anything else is cut short.
    const onEnd = (): void =>
      finish(parser.end() ? undefined : new CheckError(CheckCode.L7RSP, `connection to ${req.origin} closed ${cutAt(parser.status)}`));

    signal.addEventListener('abort', onAbort, { once: true });
    // `on`, not `once`: each fires at most once per socket anyway, finish() ignores
    // repeats, and once() wraps every listener in a closure of its own.
    socket.on('connect', () => {
      phase = req.tls ? 'tls' : 'http';
      if (!req.tls) socket.write(head, 'latin1');
    });
    if (req.tls) {
      socket.on('secureConnect', () => {
        phase = 'http';
        socket.write(head, 'latin1');
      });
    }
    socket.on('end', onEnd);
    socket.on('error', (err) => finish(classify(err, phase, parser.status, req.origin)));
    // A TLS socket can close without 'end' (no close_notify); a settled exchange ignores this.
    socket.on('close', onEnd);
  });
}

/** Connect a plain or TLS socket as the request says. */
function open(req: ExchangeRequest): Socket {
  if (!req.tls) return netConnect({ host: req.host, port: req.port });
  const t = req.tls;
  return tlsConnect({
    host: req.host,
    port: req.port,
    servername: t.servername && isIP(t.servername) === 0 ? t.servername : undefined,
    rejectUnauthorized: t.verify,
    ca: t.ca,
    ALPNProtocols: ['http/1.1'],
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(t.verifyName, cert),
  });
}

/** Characters that would end a request line or header early (request splitting). */
const UNSAFE = /[\0\r\n]/;
/** Header names: RFC 9110 tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** requestHead per request object: a check reuses its first request every interval. */
const heads = new WeakMap<ExchangeRequest, string>();

/** The request line and header section; a target or field that cannot be sent safely is an error. */
function requestHead(req: ExchangeRequest): string {
  let head = heads.get(req);
  if (head === undefined) heads.set(req, (head = buildHead(req)));
  return head;
}

function buildHead(req: ExchangeRequest): string {
  if (UNSAFE.test(req.path) || req.path.includes(' ')) {
    throw new CheckError(CheckCode.L7RSP, `invalid request: request target ${JSON.stringify(req.path)}`);
  }
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!TOKEN.test(name) || UNSAFE.test(value)) {
      throw new CheckError(CheckCode.L7RSP, `invalid request: header ${JSON.stringify(`${name}: ${value}`)}`);
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Connection: close\r\n\r\n`;
}

/** The parsed response as the check reads it. */
function answer(parser: ResponseParser): ExchangeAnswer {
  const r = parser.response();
  const statusLine = `${r.status} ${r.reason || STATUS_CODES[r.status] || 'Unknown code'}`;
  return { status: r.status, statusLine, headers: r.headers, body: r.body, truncated: r.truncated };
}

/** How far the response got when the connection ended. */
function cutAt(status: number): string {
  return status === 0 ? 'before a complete response' : 'in the middle of the body';
}

/** A parse failure as an L7RSP CheckError. */
function invalidResponse(err: unknown, origin: string): CheckError {
  if (err instanceof HttpResponseError) {
    return new CheckError(CheckCode.L7RSP, `invalid HTTP response from ${origin}: ${err.message} (${err.code})`, { cause: err });
  }
  return new CheckError(CheckCode.L7RSP, `invalid HTTP response from ${origin}: ${errorText(err)}`, { cause: err });
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/;

/** Map a socket error to a CheckError with the layer where it happened. */
function classify(err: Error, phase: Phase, status: number, origin: string): CheckError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const text = errorText(err);
  if (phase === 'tcp') return new CheckError(socketErrorCode(err), `connect ${origin}: ${text}`, { cause: err });
  if (phase === 'tls' || TLS_ERROR.test(code)) return new CheckError(CheckCode.L6RSP, `TLS ${origin}: ${text}`, { cause: err });
  return new CheckError(CheckCode.L7RSP, `connection to ${origin} failed ${cutAt(status)}: ${text}`, { cause: err });
}
