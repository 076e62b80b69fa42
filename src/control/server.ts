// The control socket: a unix socket next to the pid file (mode 0600), one JSON
// request line in, one JSON response line out, then close. A client can never
// hold up the daemon: requests are size-capped, idle connections are dropped
// after a deadline, responses are written without waiting for the client to
// read them, connections are capped, and handlers that need I/O have their own
// deadline. A socket left behind by a dead daemon is replaced; one that still
// answers belongs to another daemon and is left alone.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log/types.js';

/** A request: `{"cmd":"report"}`. */
export interface ControlRequest {
  readonly cmd: string;
  readonly [key: string]: unknown;
}

/** A response: `{"ok":true,"result":...}` or `{"ok":false,"error":"..."}`. */
export type ControlResponse = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

/** Command name -> handler (sync or async; async ones should bound their own I/O). */
export type ControlHandlers = Readonly<Record<string, (req: ControlRequest) => unknown>>;

/** Options of ControlServer. */
export interface ControlServerOptions {
  readonly path: string;
  readonly handlers: ControlHandlers;
  readonly logger: Logger;
  /** A connection idle this long (no request yet, or the client not reading) is destroyed. Default 5000 ms. */
  readonly idleMs?: number;
  /** Longest request line. Default 64 KiB. */
  readonly maxRequestBytes?: number;
  /** Simultaneous connections at most. Default 32. */
  readonly maxConnections?: number;
  /** A handler taking longer is answered with an error. Default 10000 ms. */
  readonly handlerMs?: number;
}

/** The socket is served by a live process already. */
export class ControlSocketBusyError extends Error {
  readonly code = 'ECONTROLBUSY';
  constructor(path: string) {
    super(`control socket ${path} is in use by another process`);
    this.name = 'ControlSocketBusyError';
  }
}

/** A listening control socket. */
export class ControlServer {
  readonly path: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #ino = 0;

  private constructor(path: string, server: Server) {
    this.path = path;
    this.#server = server;
  }

  /** Listen on opts.path (replacing a stale socket). Rejects with ControlSocketBusyError when it is live. */
  static async listen(opts: ControlServerOptions): Promise<ControlServer> {
    if (await answers(opts.path)) throw new ControlSocketBusyError(opts.path);
    try {
      if (lstatSync(opts.path).isSocket()) unlinkSync(opts.path);
    } catch {
      // Nothing there.
    }
    const server = createServer({ allowHalfOpen: false });
    const control = new ControlServer(opts.path, server);
    server.maxConnections = opts.maxConnections ?? 32;
    server.on('connection', (socket) => control.#serve(socket, opts));
    // The socket file is created by bind(2) with the umask's mode: no window in which others may connect.
    const old = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.path, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(old);
    }
    chmodSync(opts.path, 0o600);
    control.#ino = lstatSync(opts.path).ino;
    server.on('error', (err) => opts.logger.info(`control socket ${opts.path}: ${err.message}`));
    return control;
  }

  /** Stop listening, drop connections, remove the socket file (if it is still ours). */
  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    try {
      if (lstatSync(this.path).ino === this.#ino) unlinkSync(this.path);
    } catch {
      // Already removed (libuv unlinks it on close).
    }
  }

  #serve(socket: Socket, opts: ControlServerOptions): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Idle = no bytes either way for idleMs: covers a silent client and one that never reads its answer.
    socket.setTimeout(opts.idleMs ?? 5000, () => socket.destroy());
    const max = opts.maxRequestBytes ?? 65536;
    let buffered = '';
    let answered = false;
    const respond = (response: ControlResponse): void => {
      if (answered) return;
      answered = true;
      socket.removeAllListeners('data');
      if (!socket.destroyed) socket.end(`${JSON.stringify(response)}\n`);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) {
        if (buffered.length > max) respond({ ok: false, error: `request longer than ${max} bytes` });
        return;
      }
      void this.#handle(buffered.slice(0, nl), opts).then(respond);
    });
  }

  async #handle(line: string, opts: ControlServerOptions): Promise<ControlResponse> {
    let req: ControlRequest;
    try {
      req = JSON.parse(line) as ControlRequest;
      if (typeof req !== 'object' || req === null || typeof req.cmd !== 'string') throw new Error('no "cmd"');
    } catch (err) {
      return { ok: false, error: `bad request: ${(err as Error).message}` };
    }
    const handler = Object.hasOwn(opts.handlers, req.cmd) ? opts.handlers[req.cmd] : undefined;
    if (!handler) return { ok: false, error: `unknown command "${req.cmd}" (known: ${Object.keys(opts.handlers).join(', ')})` };
    const ms = opts.handlerMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => handler(req)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${req.cmd} took longer than ${ms} ms`)), ms);
        }),
      ]);
      return { ok: true, result };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** True when something accepts connections on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(true)); // connected-but-silent is still alive; a timeout on connect is unusual
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
