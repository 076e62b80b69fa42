import { describe, expect, test } from '@jest/globals';
import { HttpResponseError, ResponseParser, parserMemoryBytes, type ParsedResponse } from '../../src/checks/http-parser.js';

type Outcome = { done: boolean; response?: ParsedResponse; error?: HttpResponseError };

/** Feed `raw` in pieces of `step` bytes (0 = all at once), then the peer's close when `close`. */
function parse(raw: string | Buffer, opts: { step?: number; head?: boolean; cap?: number; close?: boolean; maxHeaderBytes?: number } = {}): Outcome {
  const p = new ResponseParser({ head: opts.head ?? false, maxBodyBytes: opts.cap ?? 1 << 20, maxHeaderBytes: opts.maxHeaderBytes });
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1');
  const step = opts.step || bytes.length;
  try {
    let done = false;
    for (let i = 0; i < bytes.length && !done; i += step) {
      // A reused read buffer: overwrite the piece after pushing it, as net's onread does.
      const piece = Buffer.from(bytes.subarray(i, i + step));
      done = p.push(piece);
      piece.fill(0x23);
    }
    if (!done && opts.close) done = p.end();
    return done ? { done, response: p.response() } : { done };
  } catch (err) {
    return { done: false, error: err as HttpResponseError };
  } finally {
    p.free();
  }
}

const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: a\r\n\r\nhello';

describe.each([0, 1, 3])('ResponseParser, pushed in pieces of %i bytes (0 = whole)', (step) => {
  test('status, reason, lower-cased headers and body', () => {
    const r = parse(OK_RESPONSE, { step });
    expect(r.done).toBe(true);
    expect(r.response).toMatchObject({ status: 200, reason: 'OK', headers: { 'content-length': '5', 'x-test': 'a' }, truncated: false });
    expect(r.response!.body.toString()).toBe('hello');
  });

  test('a repeated header becomes an array, in order', () => {
    const r = parse('HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n', { step });
    expect(r.response!.headers['location']).toEqual(['/a', '/b']);
  });

  test('chunked body with extensions and trailers', () => {
    const r = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n', { step });
    expect(r.done).toBe(true);
    expect(r.response!.body.toString()).toBe('abcde');
  });

  test('a body delimited by the close is complete only at end()', () => {
    expect(parse('HTTP/1.0 200 OK\r\n\r\nI am alive', { step }).done).toBe(false);
    const r = parse('HTTP/1.0 200 OK\r\n\r\nI am alive', { step, close: true });
    expect(r.done).toBe(true);
    expect(r.response!.body.toString()).toBe('I am alive');
  });

  test('a close before the end of a Content-Length or chunked body does not complete it', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', { step, close: true }).done).toBe(false);
    expect(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n', { step, close: true }).done).toBe(false);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Le', { step, close: true }).done).toBe(false);
    expect(parse('', { step, close: true }).done).toBe(false);
  });

  test('the body cap completes the response, truncated, with exactly cap bytes', () => {
    const r = parse(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${'a'.repeat(100)}`, { step, cap: 10 });
    expect(r.done).toBe(true);
    expect(r.response).toMatchObject({ truncated: true });
    expect(r.response!.body.toString()).toBe('a'.repeat(10));
  });

  test('interim 1xx answers are skipped; the final answer counts', () => {
    const r = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK', { step });
    expect(r.response).toMatchObject({ status: 200, headers: { 'content-length': '2' } });
    expect(r.response!.headers['link']).toBeUndefined();
  });

  test('HEAD, 204 and 304 have no body whatever Content-Length says', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', { step, head: true }).response).toMatchObject({ status: 200 });
    expect(parse('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', { step }).response).toMatchObject({ status: 204 });
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', { step }).response).toMatchObject({ status: 304 });
  });

  test('bare LF ends the status line and header lines (RFC 9112 2.2; browsers and LWP accept it)', () => {
    const r = parse('HTTP/1.1 200 OK\nContent-Length: 2\nX-A: a\n\nOK', { step });
    expect(r.response).toMatchObject({ status: 200, headers: { 'content-length': '2', 'x-a': 'a' } });
    expect(r.response!.body.toString()).toBe('OK');
    // Chunked framing still wants CRLF (llhttp's chunk-size rule).
    expect(parse('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\r\nOK\r\n0\r\n\r\n', { step }).done).toBe(true);
    expect(parse('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nOK\n0\n\n', { step }).error?.code).toBe('HPE_STRICT');
  });

  test('bytes after the complete response are not judged', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOKgarbage', { step }).done).toBe(true);
  });

  test.each([
    ['non-HTTP bytes', 'HPE_INVALID_CONSTANT', 'SSH-2.0-OpenSSH_9.2\r\n'],
    ['a CR not followed by LF', 'HPE_STRICT', 'HTTP/1.1 200 OK\rContent-Length: 2\r\r\nOK'],
    ['an unknown HTTP version', 'HPE_INVALID_VERSION', 'HTTP/1.2 200 OK\r\n\r\n'],
    ['a header without a colon', 'HPE_INVALID_HEADER_TOKEN', 'HTTP/1.1 200 OK\r\nBroken\r\n\r\n'],
    ['obs-fold', 'HPE_INVALID_HEADER_TOKEN', 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n'],
    ['two Content-Lengths', 'HPE_UNEXPECTED_CONTENT_LENGTH', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nOK'],
    ['Content-Length with chunked', 'HPE_INVALID_TRANSFER_ENCODING', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['a bad chunk size', 'HPE_INVALID_CHUNK_SIZE', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a status of four digits', 'HPE_INVALID_STATUS', 'HTTP/1.1 2000 OK\r\n\r\n'],
    ['a status below 100', 'EBADSTATUS', 'HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n'],
    ['a protocol switch nobody asked for', 'EUPGRADE', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: ws\r\nConnection: upgrade\r\n\r\n'],
  ])('%s is an HttpResponseError %s', (_what, code, raw) => {
    const r = parse(raw, { step, close: true });
    expect(r.error).toBeInstanceOf(HttpResponseError);
    expect(r.error!.code).toBe(code);
    expect(r.error!.message).not.toBe('');
  });

  test('a header section over the limit is EHEADERSOVERFLOW; just under it parses', () => {
    const big = (n: number): string => `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(n)}\r\nContent-Length: 0\r\n\r\n`;
    expect(parse(big(2000), { step: step && 512, maxHeaderBytes: 1024 }).error?.code).toBe('EHEADERSOVERFLOW');
    expect(parse(big(900), { step: step && 512, maxHeaderBytes: 1024 }).done).toBe(true);
  });
});

describe('ResponseParser lifecycle', () => {
  test('parsers interleaved byte by byte keep their own state (one shared llhttp instance)', () => {
    const a = new ResponseParser({ head: false, maxBodyBytes: 1024 });
    const b = new ResponseParser({ head: false, maxBodyBytes: 1024 });
    const ra = Buffer.from('HTTP/1.1 200 OK\r\nX-Who: a\r\nContent-Length: 3\r\n\r\naaa');
    const rb = Buffer.from('HTTP/1.1 503 Busy\r\nX-Who: bee\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nbbb\r\n0\r\n\r\n');
    let doneA = false;
    let doneB = false;
    for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
      if (i < ra.length) doneA = a.push(ra.subarray(i, i + 1));
      if (i < rb.length) doneB = b.push(rb.subarray(i, i + 1));
    }
    expect([doneA, doneB]).toEqual([true, true]);
    expect(a.response()).toMatchObject({ status: 200, reason: 'OK', headers: { 'x-who': 'a' } });
    expect(b.response()).toMatchObject({ status: 503, reason: 'Busy', headers: { 'x-who': 'bee' } });
    expect(a.response().body.toString()).toBe('aaa');
    expect(b.response().body.toString()).toBe('bbb');
    a.free();
    b.free();
  });

  test('status is 0 until the final answer\'s headers are in', () => {
    const p = new ResponseParser({ head: false, maxBodyBytes: 1024 });
    expect(p.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n'))).toBe(false);
    expect(p.status).toBe(0);
    expect(p.push(Buffer.from('Content-Length: 4\r\n\r\n'))).toBe(false);
    expect(p.status).toBe(404);
    p.free();
  });

  test('free() is idempotent, and a freed parser refuses bytes instead of touching freed memory', () => {
    const p = new ResponseParser({ head: false, maxBodyBytes: 1024 });
    p.free();
    p.free();
    expect(() => p.push(Buffer.from('HTTP/1.1 200 OK\r\n'))).toThrow(HttpResponseError);
    expect(p.end()).toBe(false);
  });

  test('parsers allocated and freed by the ten thousand do not grow wasm memory', () => {
    const round = (): void => {
      const ps = Array.from({ length: 10000 }, () => new ResponseParser({ head: false, maxBodyBytes: 16 }));
      for (const p of ps) p.push(Buffer.from(OK_RESPONSE));
      for (const p of ps) p.free();
    };
    round(); // the first round may grow memory to its working size
    const before = parserMemoryBytes();
    for (let i = 0; i < 5; i++) round(); // 50,000 more parsers: several MiB if any leaked
    expect(parserMemoryBytes()).toBe(before);
  });
});
