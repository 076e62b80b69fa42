// service=simpletcp (ldirectord's check_simpletcp): connect, send the request
// (without its leading '/', literal `\n` turned into newlines), shut down our
// side, then read lines until one matches receive. EOF without a match is down.
import type { Socket } from 'node:net';
import type { CheckFn } from './types.js';
import { CheckCode, up } from './result.js';
import { CheckError, errorText, failure, hostPort, timeoutError } from './errors.js';
import { compileReceive, type Receive } from './receive.js';
import { openTcp } from './tcp.js';

/** Longest line kept before it is judged as is: bounds memory against a peer that never sends a newline. */
const MAX_LINE = 64 * 1024;

/** The request bytes ldirectord sends: substr(request, 1) with `\n` sequences as newlines. */
export function simpletcpPayload(request: string): string {
  return request.slice(1).replace(/\\n/g, '\n');
}

/** simpletcp check: up when a line of the answer matches receive before the deadline. */
export const simpletcpCheck: CheckFn = async ({ real }, signal) => {
  const startedAt = Date.now();
  try {
    const receive = compileReceive(real.receive);
    const socket = await openTcp(real.ip, real.checkPort, signal);
    await converse(socket, simpletcpPayload(real.request), receive, hostPort(real.ip, real.checkPort), signal);
    // ldirectord logs no message for simpletcp: '-' in the monitorfile.
    return up(CheckCode.L7OK, '-', startedAt);
  } catch (err) {
    return failure(err, startedAt);
  }
};

/** Write the request, half-close, and scan the answer line by line. Always destroys the socket. */
function converse(socket: Socket, payload: string, receive: Receive, where: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (err?: CheckError): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = (): void => finish(timeoutError(CheckCode.L7TOUT, `no matching line from ${where}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Lines are matched as Perl's <$sock> returns them: with their trailing newline, bytes as latin1.
    const matches = (line: Buffer): boolean => receive === undefined || receive.test(line.toString('latin1'));

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let nl: number;
      while ((nl = pending.indexOf(0x0a)) >= 0) {
        const line = pending.subarray(0, nl + 1);
        pending = pending.subarray(nl + 1);
        if (matches(line)) return finish();
      }
      if (pending.length > MAX_LINE) {
        if (matches(pending)) return finish();
        pending = Buffer.alloc(0);
      }
    });
    socket.on('end', () => {
      // The last line may lack its newline; Perl still returns it.
      if (pending.length && matches(pending)) return finish();
      finish(new CheckError(CheckCode.L7RSP, `no line from ${where} matched receive before EOF`));
    });
    socket.on('error', (err) => finish(new CheckError(CheckCode.L7RSP, `connection to ${where} failed: ${errorText(err)}`)));
    socket.end(payload);
  });
}
