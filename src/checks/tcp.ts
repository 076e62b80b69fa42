// One TCP connection bounded by an AbortSignal: the building block of the
// connect and simpletcp checks (and of any check that speaks raw TCP).
import { connect, type Socket } from 'node:net';
import { CheckCode } from './result.js';
import { CheckError, errorText, hostPort, socketErrorCode, timeoutError } from './errors.js';

/**
 * Open a TCP connection to ip:port. Resolves with the connected socket, or
 * rejects with a CheckError: L4CON (refused, reset, unreachable) or L4TOUT
 * (the signal fired before the handshake completed; the socket is destroyed).
 */
export function openTcp(ip: string, port: number, signal: AbortSignal): Promise<Socket> {
  const where = hostPort(ip, port);
  if (signal.aborted) return Promise.reject(timeoutError(CheckCode.L4TOUT, `connect ${where}`));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port });
    const onAbort = (): void => {
      socket.destroy();
      reject(timeoutError(CheckCode.L4TOUT, `connect ${where}`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new CheckError(socketErrorCode(err), `connect ${where}: ${errorText(err)}`, { cause: err }));
    });
  });
}
