// The HTTP/1.x response reader of the http check: undici's own parser (the
// llhttp WebAssembly build undici ships and parses every response with),
// driven directly instead of through an undici Client. A health check makes
// one request on a fresh connection and drops it: the Client machinery around
// the parser (queues, keep-alive, connection reuse, the errors it builds to
// tear a connection down) costs more CPU than the check itself, and at 20,000
// reals per 5 s that is the difference between one core and two
// (bench/README.md, "http engine"). The judgement of the bytes stays
// llhttp's: strict status line, header and framing rules (compat B.12).
//
// One WebAssembly instance serves every parser; llhttp_execute is synchronous,
// so the callbacks find their parser in `current` while it runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** llhttp's errno values we act on (undici/lib/llhttp/constants.js ERROR). */
const OK = 0;
const PAUSED = 21;
/** llhttp_alloc's parser type for responses (constants.js TYPE.RESPONSE). */
const TYPE_RESPONSE = 2;
/** on_headers_complete's answer "this message has no body" (HEAD, 1xx, 204, 304). */
const SKIP_BODY = 1;
/** A callback's answer that makes llhttp_execute fail. */
const CALLBACK_ERROR = -1;

/** Header section limit, undici's and Node's default maxHeaderSize. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** A response that is not valid HTTP/1.x (or not one we can accept); `code` is llhttp's HPE_* name or ours. */
export class HttpResponseError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'HttpResponseError';
    this.code = code;
  }
}

/** How the response will be read. */
export interface ResponseParserOptions {
  /** The request was HEAD: the response has no body whatever its headers say. */
  readonly head: boolean;
  /** Body bytes kept; the response counts as complete (truncated) once this many arrived. */
  readonly maxBodyBytes: number;
  /** Bytes of status line and header fields allowed. Default MAX_HEADER_BYTES. */
  readonly maxHeaderBytes?: number;
}

/** The parsed final (non-1xx) response. */
export interface ParsedResponse {
  readonly status: number;
  /** The reason phrase as sent (may be empty). */
  readonly reason: string;
  /** Lower-cased field names; a repeated field becomes an array, as undici reports them. */
  readonly headers: Record<string, string | string[]>;
  /** The body, at most maxBodyBytes. */
  readonly body: Buffer;
  /** True when the body filled the cap and the rest was never parsed. */
  readonly truncated: boolean;
}

/** Incremental reader of one HTTP/1.x response; free() it when done. */
export class ResponseParser {
  readonly #head: boolean;
  readonly #maxBodyBytes: number;
  readonly #maxHeaderBytes: number;
  #ptr: number;
  #status = 0;
  #reason = '';
  #headers: Record<string, string | string[]> = {};
  #field = '';
  #value = '';
  #inValue = false;
  #headerBytes = 0;
  #interim = false;
  #body: Buffer[] = [];
  #bodyBytes = 0;
  #truncated = false;
  #complete = false;
  #failure: HttpResponseError | undefined;

  constructor(options: ResponseParserOptions) {
    this.#head = options.head;
    this.#maxBodyBytes = options.maxBodyBytes;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
    const e = engine();
    this.#ptr = e.exports.llhttp_alloc(TYPE_RESPONSE);
    // A bare LF ends a line too (RFC 9112 2.2 lets a recipient accept it, browsers
    // do, and so does LWP): a server that works in a browser must not be down here.
    e.exports.llhttp_set_lenient_optional_cr_before_lf(this.#ptr, 1);
  }

  /** Status of the final (non-1xx) response once its headers are in, else 0. */
  get status(): number {
    return this.#status;
  }

  /** Parse the next bytes from the peer (not kept: the caller may reuse `chunk`); true once the response is complete. Throws HttpResponseError. */
  push(chunk: Buffer): boolean {
    if (this.#complete) return true;
    if (this.#ptr === 0) throw new HttpResponseError('EPARSERFREED', 'parser already freed');
    const e = engine();
    const at = e.stage(chunk);
    let ret: number;
    current = this;
    currentChunk = chunk;
    try {
      ret = e.exports.llhttp_execute(this.#ptr, at, chunk.length);
    } finally {
      current = undefined;
      currentChunk = undefined;
    }
    if (ret === OK || (ret === PAUSED && this.#complete)) return this.#complete;
    throw this.#failure ?? e.error(this.#ptr, ret);
  }

  /** The peer closed its side: true when that completes the response (a body delimited by the close). */
  end(): boolean {
    if (this.#complete || this.#ptr === 0) return this.#complete;
    current = this;
    try {
      engine().exports.llhttp_finish(this.#ptr);
    } finally {
      current = undefined;
    }
    return this.#complete;
  }

  /** The final response; only meaningful once push() or end() returned true. */
  response(): ParsedResponse {
    return {
      status: this.#status,
      reason: this.#reason,
      headers: this.#headers,
      body: this.#body.length === 1 ? this.#body[0]! : Buffer.concat(this.#body),
      truncated: this.#truncated,
    };
  }

  /** Release the parser's WebAssembly memory; safe to call twice. */
  free(): void {
    if (this.#ptr !== 0) engine().exports.llhttp_free(this.#ptr);
    this.#ptr = 0;
  }

  // --- llhttp callbacks (called only while push/end run) ---

  /** @internal */ onMessageBegin(): number {
    this.#status = 0;
    this.#reason = '';
    this.#headers = {};
    this.#field = '';
    this.#value = '';
    this.#inValue = false;
    this.#headerBytes = 0;
    return OK;
  }

  /** @internal */ onStatus(text: string): number {
    this.#reason += text;
    return this.#count(text.length);
  }

  /** @internal */ onHeaderField(text: string): number {
    if (this.#inValue) this.#commitHeader();
    this.#field += text;
    return this.#count(text.length);
  }

  /** @internal */ onHeaderValue(text: string): number {
    this.#inValue = true;
    this.#value += text;
    return this.#count(text.length);
  }

  /** @internal */ onHeadersComplete(status: number, upgrade: boolean): number {
    if (this.#field !== '') this.#commitHeader();
    // We never ask to switch protocols; a 101 or an Upgrade answer is not a health verdict.
    if (upgrade || status === 101) return this.#fail('EUPGRADE', `unexpected protocol switch (${status} ${this.#reason})`);
    if (status < 100) return this.#fail('EBADSTATUS', `invalid status code ${String(status).padStart(3, '0')}`);
    this.#interim = status < 200;
    if (!this.#interim) this.#status = status;
    // 1xx are interim (the final answer follows on the same connection); 204,
    // 304 and answers to HEAD have no body whatever Content-Length says (RFC 9112 6.3).
    return this.#head || status < 200 || status === 204 || status === 304 ? SKIP_BODY : OK;
  }

  /** @internal */ onBody(chunk: Buffer): number {
    // Copied: push() does not keep its caller's chunk (a read buffer may be reused).
    const room = this.#maxBodyBytes - this.#bodyBytes;
    if (chunk.length < room) {
      this.#body.push(Buffer.from(chunk));
      this.#bodyBytes += chunk.length;
      return OK;
    }
    // The cap is full: keep what fits and stop; the rest is never read.
    this.#body.push(Buffer.from(chunk.subarray(0, room)));
    this.#bodyBytes += room;
    this.#truncated = true;
    this.#complete = true;
    return PAUSED;
  }

  /** @internal */ onMessageComplete(): number {
    if (this.#interim) return OK; // interim: keep reading for the final response
    this.#complete = true;
    // Stop here: whatever follows the response on this connection is not ours to judge.
    return PAUSED;
  }

  #commitHeader(): void {
    const name = this.#field.toLowerCase();
    const had = this.#headers[name];
    this.#headers[name] = had === undefined ? this.#value : Array.isArray(had) ? [...had, this.#value] : [had, this.#value];
    this.#field = '';
    this.#value = '';
    this.#inValue = false;
  }

  #count(bytes: number): number {
    this.#headerBytes += bytes;
    if (this.#headerBytes <= this.#maxHeaderBytes) return OK;
    return this.#fail('EHEADERSOVERFLOW', `status line and headers larger than ${this.#maxHeaderBytes} bytes`);
  }

  #fail(code: string, message: string): number {
    this.#failure = new HttpResponseError(code, message);
    return CALLBACK_ERROR;
  }
}

/** The exports of llhttp's WebAssembly build that we call. */
interface LlhttpExports {
  readonly memory: WebAssembly.Memory;
  llhttp_alloc(type: number): number;
  llhttp_free(ptr: number): void;
  llhttp_execute(ptr: number, data: number, len: number): number;
  llhttp_finish(ptr: number): number;
  llhttp_get_error_reason(ptr: number): number;
  llhttp_errno_name(errno: number): number;
  llhttp_set_lenient_optional_cr_before_lf(ptr: number, enabled: number): void;
  malloc(size: number): number;
  free(ptr: number): void;
}

/** The parser whose llhttp_execute/finish is running (callbacks are synchronous). */
let current: ResponseParser | undefined;
/** The chunk being parsed: callbacks get offsets into its copy in wasm memory. */
let currentChunk: Buffer | undefined;

/** The shared llhttp instance and the scratch buffer chunks are copied into. */
class Engine {
  readonly exports: LlhttpExports;
  #scratch = 0;
  #scratchSize = 0;

  constructor() {
    const span =
      (cb: (p: ResponseParser, text: string) => number) =>
      (_p: number, at: number, len: number): number =>
        cb(current!, currentChunk!.toString('latin1', at - this.#scratch, at - this.#scratch + len));
    const instance = new WebAssembly.Instance(compile(), {
      env: {
        wasm_on_url: () => OK,
        wasm_on_status: span((p, t) => p.onStatus(t)),
        wasm_on_message_begin: () => current!.onMessageBegin(),
        wasm_on_header_field: span((p, t) => p.onHeaderField(t)),
        wasm_on_header_value: span((p, t) => p.onHeaderValue(t)),
        wasm_on_headers_complete: (_p: number, status: number, upgrade: number) => current!.onHeadersComplete(status, upgrade === 1),
        wasm_on_body: (_p: number, at: number, len: number) =>
          current!.onBody(currentChunk!.subarray(at - this.#scratch, at - this.#scratch + len)),
        wasm_on_message_complete: () => current!.onMessageComplete(),
      },
    });
    this.exports = instance.exports as unknown as LlhttpExports;
  }

  /** Copy a chunk into wasm memory (growing the scratch buffer in 4 KiB steps); returns its address. */
  stage(chunk: Buffer): number {
    if (chunk.length > this.#scratchSize) {
      if (this.#scratch !== 0) this.exports.free(this.#scratch);
      this.#scratchSize = Math.ceil(chunk.length / 4096) * 4096;
      this.#scratch = this.exports.malloc(this.#scratchSize);
    }
    new Uint8Array(this.exports.memory.buffer, this.#scratch, chunk.length).set(chunk);
    return this.#scratch;
  }

  /** llhttp's own error for a failed execute: its reason text and HPE_* name. */
  error(ptr: number, errno: number): HttpResponseError {
    // (No upgrade pause can reach here: onHeadersComplete refuses an upgrade first.)
    const reason = this.#cString(this.exports.llhttp_get_error_reason(ptr)) || 'parse error';
    return new HttpResponseError(this.#cString(this.exports.llhttp_errno_name(errno)) || `HPE_${errno}`, reason);
  }

  #cString(ptr: number): string {
    if (ptr === 0) return '';
    const mem = new Uint8Array(this.exports.memory.buffer, ptr);
    return Buffer.from(mem.buffer, ptr, mem.indexOf(0)).toString('latin1');
  }
}

/** undici's llhttp module, the SIMD build where this CPU and Node run it (as undici does). */
function compile(): WebAssembly.Module {
  try {
    return new WebAssembly.Module(require('undici/lib/llhttp/llhttp_simd-wasm.js') as Uint8Array<ArrayBuffer>);
  } catch {
    return new WebAssembly.Module(require('undici/lib/llhttp/llhttp-wasm.js') as Uint8Array<ArrayBuffer>);
  }
}

/** Bytes of WebAssembly memory the shared parser instance holds (it grows, never shrinks). */
export function parserMemoryBytes(): number {
  return engine().exports.memory.buffer.byteLength;
}

let shared: Engine | undefined;
/** The one llhttp instance, made on first use. */
function engine(): Engine {
  return (shared ??= new Engine());
}
