// One HTTP/1.1 request/response over a fresh undici Client, strict where LWP
// is lenient (compat B.12): the answer counts only if the status line and
// headers parse and the body ends, or fills the read cap, before the signal
// fires. Bytes past the cap are never read: the connection is dropped, so a
// 1 GiB body costs at most `maxBodyBytes` of memory.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, checkServerIdentity, type PeerCertificate } from 'node:tls';
import { STATUS_CODES } from 'node:http';
import { Client, type Dispatcher } from 'undici';
import { CheckCode } from './result.js';
import { CheckError, errorText, socketErrorCode, timeoutError } from './errors.js';

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
  /** Where to connect: `http://host:port` or `https://host:port` (IPv6 bracketed). */
  readonly origin: string;
  /** Request target: origin-form `/path?q`, or an absolute URL for a proxy. */
  readonly path: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Record<string, string>;
  readonly tls?: TlsSettings;
  /** Bytes of body kept; the exchange ends (successfully) once this many were read. */
  readonly maxBodyBytes: number;
  /** Backstop for undici's own header/body timers, should the signal never fire. */
  readonly backstopMs: number;
}

/** A complete answer. */
export interface ExchangeAnswer {
  readonly status: number;
  /** LWP's status_line: `200 OK` (the standard reason when the server sent none). */
  readonly statusLine: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body, at most maxBodyBytes. */
  readonly body: Buffer;
  /** True when the body filled the cap and the rest was dropped unread. */
  readonly truncated: boolean;
}

/** Reason used to stop reading once the cap is full (never reported). */
class BodyCapReached extends Error {
  readonly code = 'EBODYCAP';
}

/** Where the exchange was when it failed; picks the timeout code. */
type Phase = 'tcp' | 'tls' | 'http';

/** Perform one exchange; rejects with a CheckError, never anything else. */
export function httpExchange(req: ExchangeRequest, signal: AbortSignal): Promise<ExchangeAnswer> {
  let phase: Phase = 'tcp';
  const secure = req.origin.startsWith('https:');
  const timeoutCode = (): CheckError =>
    phase === 'tcp'
      ? timeoutError(CheckCode.L4TOUT, `connect ${req.origin}`)
      : phase === 'tls'
        ? timeoutError(CheckCode.L6TOUT, `TLS handshake ${req.origin}`)
        : timeoutError(CheckCode.L7TOUT, `HTTP response from ${req.origin}`);
  if (signal.aborted) return Promise.reject(timeoutCode());

  // The socket being connected: undici would only drop it once the connect
  // settles, which for a SYN-dropping peer is minutes after our deadline.
  let current: Socket | undefined;
  const connector = (opts: { hostname: string; port: string }, cb: (...a: [null, Socket] | [Error, null]) => void): void => {
    const port = Number(opts.port) || (secure ? 443 : 80);
    let socket: Socket;
    if (secure) {
      const t = req.tls!;
      socket = tlsConnect({
        host: opts.hostname,
        port,
        servername: t.servername && isIP(t.servername) === 0 ? t.servername : undefined,
        rejectUnauthorized: t.verify,
        ca: t.ca,
        ALPNProtocols: ['http/1.1'],
        checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(t.verifyName, cert),
      });
    } else {
      socket = netConnect({ host: opts.hostname, port });
    }
    current = socket;
    if (signal.aborted) socket.destroy();
    let done = false;
    socket.once('connect', () => {
      phase = secure ? 'tls' : 'http';
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      phase = 'http';
      if (!done) (done = true), cb(null, socket);
    });
    socket.once('error', (err) => {
      if (!done) (done = true), cb(err, null);
    });
  };

  const client = new Client(req.origin, {
    connect: connector as never,
    headersTimeout: req.backstopMs,
    bodyTimeout: req.backstopMs,
    pipelining: 1,
  });

  return new Promise<ExchangeAnswer>((resolve, reject) => {
    let settled = false;
    let status = 0;
    let statusLine = '';
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let bodyBytes = 0;
    let truncated = false;

    const finish = (err: CheckError | undefined): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // destroy() drops the socket at once; its promise only reports teardown.
      client.destroy().catch(() => {});
      current?.destroy();
      if (err) reject(err);
      else resolve({ status, statusLine, headers, body: Buffer.concat(chunks), truncated });
    };
    const onAbort = (): void => finish(timeoutCode());
    signal.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_c, statusCode, hdrs, statusMessage) {
        if (statusCode < 200) return; // 1xx: the final answer follows
        status = statusCode;
        headers = hdrs as Record<string, string | string[] | undefined>;
        statusLine = `${statusCode} ${statusMessage || STATUS_CODES[statusCode] || 'Unknown code'}`;
      },
      onResponseData(controller, chunk) {
        if (settled || truncated) return;
        const room = req.maxBodyBytes - bodyBytes;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          bodyBytes += room;
          truncated = true;
          controller.abort(new BodyCapReached('body read cap reached'));
          finish(undefined);
          return;
        }
        chunks.push(chunk);
        bodyBytes += chunk.length;
      },
      onResponseEnd() {
        finish(undefined);
      },
      onResponseError(_c, err) {
        if (truncated) return finish(undefined);
        finish(classify(err, phase, status, req.origin));
      },
    };
    try {
      client.dispatch(
        { origin: req.origin, path: req.path, method: req.method, headers: req.headers, reset: true },
        handler,
      );
    } catch (err) {
      finish(new CheckError(CheckCode.L7RSP, `invalid request: ${errorText(err)}`));
    }
  });
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/;

/** Map an undici / socket error to a CheckError with the layer where it happened. */
function classify(err: Error, phase: Phase, status: number, origin: string): CheckError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const text = errorText(err);
  if (phase === 'tcp') return new CheckError(socketErrorCode(err), `connect ${origin}: ${text}`, { cause: err });
  if (phase === 'tls' || TLS_ERROR.test(code)) return new CheckError(CheckCode.L6RSP, `TLS ${origin}: ${text}`, { cause: err });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new CheckError(CheckCode.L7TOUT, `timeout: HTTP response from ${origin}`, { cause: err });
  }
  // undici's HTTPParserError (llhttp) may carry no code: match the name too.
  if (code.startsWith('HPE_') || err.name === 'HTTPParserError') return new CheckError(CheckCode.L7RSP, `invalid HTTP response from ${origin}: ${text}`, { cause: err });
  const when = status === 0 ? 'before a complete response' : 'in the middle of the body';
  return new CheckError(CheckCode.L7RSP, `connection to ${origin} failed ${when}: ${text}`, { cause: err });
}
