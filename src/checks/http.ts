// service=http, https, http_proxy (ldirectord's check_http, i.e. LWP::UserAgent):
// GET or HEAD real.url with `Host: virtualhost|real ip`, follow up to 7
// redirects as LWP does (Host dropped on redirect), up on 2xx when the body
// matches receive. Unlike LWP the answer must be complete and well-formed (B.12)
// and TLS is not verified unless virtual.tlsVerify (B.9).
import { readFile } from 'node:fs/promises';
import type { RealServer, VirtualService } from '../config/model.js';
import type { CheckFn, CheckTarget } from './types.js';
import { CheckCode, down, up } from './result.js';
import { CheckError, errorText, failure } from './errors.js';
import { compileReceive, receiveMatches } from './receive.js';
import { httpExchange, type ExchangeAnswer, type ExchangeRequest, type TlsSettings } from './http-exchange.js';

/** Tunables of the HTTP check. */
export interface HttpCheckOptions {
  /** Body bytes read and matched against receive; the rest is dropped unread. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Redirects followed (LWP::UserAgent's max_redirect). Default 7. */
  readonly maxRedirects?: number;
}

/** LWP's redirect statuses (RC_MOVED_PERMANENTLY, FOUND, SEE_OTHER, TEMPORARY/PERMANENT_REDIRECT). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** LWP's agent string; kept so that server-side log filters and allow-lists written for ldirectord still match. */
const USER_AGENT = 'libwww-perl/6.68 (ldirectord-ts)';

/** Build an http/https/http_proxy check (service taken from the virtual). */
export function createHttpCheck(options: HttpCheckOptions = {}): CheckFn {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 7;
  return async (target, signal) => {
    const startedAt = Date.now();
    try {
      const receive = compileReceive(target.real.receive);
      const answer = await fetchFollowing(target, signal, maxBodyBytes, maxRedirects);
      if (answer.status < 200 || answer.status > 299) return down(CheckCode.L7STS, answer.statusLine, startedAt);
      if (!receiveMatches(receive, answer.body)) {
        const within = answer.truncated ? ` (first ${maxBodyBytes} bytes)` : '';
        return down(CheckCode.L7RSP, `${answer.statusLine}: body${within} does not match receive /${target.real.receive}/`, startedAt);
      }
      // The status line is what ldirectord writes to the monitorfile for an http check that passes.
      return up(CheckCode.L7OK, answer.statusLine, startedAt);
    } catch (err) {
      return failure(err, startedAt);
    }
  };
}

/** The http/https/http_proxy check with default options. */
export const httpCheck: CheckFn = createHttpCheck();

/** Request real.url, following redirects as LWP::UserAgent does for GET and HEAD. */
async function fetchFollowing(
  target: CheckTarget,
  signal: AbortSignal,
  maxBodyBytes: number,
  maxRedirects: number,
): Promise<ExchangeAnswer> {
  const { virtual } = target;
  // The CA file is read per check (a renewed CA is picked up without a reload), so
  // only a request without one is reused from check to check.
  const ca = virtual.tlsVerify && virtual.tlsCaFile ? await readCa(virtual.tlsCaFile) : undefined;
  let req = ca === undefined ? firstRequest(target, maxBodyBytes) : buildRequest(target, parseUrl(target.real.url), true, ca, maxBodyBytes);
  for (let hop = 0; ; hop++) {
    const answer = await httpExchange(req, signal);
    const location = answer.headers['location'];
    if (!REDIRECTS.has(answer.status) || hop >= maxRedirects || typeof location !== 'string') return answer;
    // LWP removes Host (and Cookie) from the referral; the new URL's authority is used.
    req = buildRequest(target, parseUrl(location, req.url), false, ca, maxBodyBytes);
  }
}

/** An exchange and the URL it fetches (the base of a relative redirect). */
type HopRequest = ExchangeRequest & { readonly url: URL };

/** The first request of a check, built (URL parsed, head validated) once per real and virtual: it is the same every interval. */
const firstRequests = new WeakMap<RealServer, { virtual: VirtualService; maxBodyBytes: number; req: HopRequest }>();
function firstRequest(target: CheckTarget, maxBodyBytes: number): HopRequest {
  const cached = firstRequests.get(target.real);
  if (cached?.virtual === target.virtual && cached.maxBodyBytes === maxBodyBytes) return cached.req;
  const req = buildRequest(target, parseUrl(target.real.url), true, undefined, maxBodyBytes);
  firstRequests.set(target.real, { virtual: target.virtual, maxBodyBytes, req });
  return req;
}

/**
 * The exchange for `url`: `first` is the configured request, which carries
 * ldirectord's Host (virtualhost, else the real's IP) and SNI; a redirect's
 * carries the new URL's authority, as LWP does.
 */
function buildRequest({ virtual, real }: CheckTarget, url: URL, first: boolean, ca: Buffer | undefined, maxBodyBytes: number): HopRequest {
  const proxy = virtual.service === 'http_proxy';
  // real.ip is a resolved address: a colon means IPv6.
  const realHost = real.ip.includes(':') ? `[${real.ip}]` : real.ip;
  // ldirectord sets Host only for http/https; for http_proxy LWP derives it from the URL.
  const hostHeader = first && !proxy ? (virtual.virtualhost ?? realHost) : url.host;
  const sniName = first && !proxy ? virtual.virtualhost : undefined;
  const secure = url.protocol === 'https:';
  // LWP proxies only the http scheme ($ua->proxy("http", ...)); https goes direct.
  const viaProxy = proxy && !secure;
  const bareHost = url.hostname.replace(/^\[|\]$/g, '');
  const tls: TlsSettings | undefined = secure
    ? { verify: virtual.tlsVerify, ca, servername: sniName ?? bareHost, verifyName: sniName ?? bareHost }
    : undefined;
  return {
    url,
    host: viaProxy ? real.ip : bareHost,
    port: viaProxy ? real.checkPort : Number(url.port) || (secure ? 443 : 80),
    origin: viaProxy ? `http://${realHost}:${real.checkPort}` : url.origin,
    path: viaProxy ? url.href : url.pathname + url.search,
    method: virtual.httpmethod,
    // Host first, as LWP sends it; Connection: close is added by the exchange.
    headers: { Host: hostHeader, 'User-Agent': USER_AGENT },
    tls,
    maxBodyBytes,
  };
}

/** Parse an http(s) URL (relative to base for redirects); other schemes are a failure, as in LWP. */
function parseUrl(href: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    throw new CheckError(CheckCode.L7RSP, `invalid URL ${JSON.stringify(href)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckError(CheckCode.L7RSP, `URL scheme ${url.protocol.replace(':', '')} is not supported: ${href}`);
  }
  return url;
}

/** Read the CA file for tlsVerify; unreadable is a TLS failure with the path in the message. */
async function readCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CheckError(CheckCode.L6RSP, `cannot read tlsCaFile ${path}: ${errorText(err)}`);
  }
}
