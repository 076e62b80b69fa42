// The CLI side of the control socket: one request, one answer, a deadline.
import { connect } from 'node:net';
import type { ControlRequest, ControlResponse } from './server.js';

/** No daemon serves the socket (absent, or left behind by a dead daemon). */
export class DaemonNotRunningError extends Error {
  readonly code = 'ENOTRUNNING';
  constructor(readonly path: string, readonly reason: string) {
    super(`no daemon answers on ${path} (${reason})`);
    this.name = 'DaemonNotRunningError';
  }
}

/** The daemon answered with an error, or the exchange failed midway. */
export class ControlError extends Error {
  readonly code = 'ECONTROL';
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Send one request to the daemon and return its result. */
export function controlRequest(path: string, req: ControlRequest, timeoutMs = 15_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let text = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => fail(new ControlError(`no answer from the daemon on ${path} within ${timeoutMs} ms`)));
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(req)}\n`);
    });
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK')) {
        fail(new DaemonNotRunningError(path, err.code === 'ENOENT' ? 'no such socket' : 'connection refused'));
      } else {
        fail(new ControlError(`control socket ${path}: ${err.message}`));
      }
    });
    socket.once('end', () => {
      socket.destroy();
      const line = text.split('\n')[0] ?? '';
      let res: ControlResponse;
      try {
        res = JSON.parse(line) as ControlResponse;
      } catch {
        return reject(new ControlError(`garbled answer from the daemon: ${JSON.stringify(line.slice(0, 200))}`));
      }
      if (res.ok) resolve(res.result);
      else reject(new ControlError(res.error));
    });
  });
}
